package io.consensus.api.spi;

/**
 * What a data directory records about the group it belongs to; opening it as another fails.
 *
 * @param clusterId the cluster
 * @param groupId   the group
 * @param protocol  the protocol whose log it holds
 * @param memberId  the member that owns it
 */
public record GroupIdentity(String clusterId, String groupId, String protocol, String memberId) {}
