package io.consensus.api.spi;

import io.consensus.api.Role;

/**
 * A core's role, leader and era.
 *
 * @param role     this member's role
 * @param leaderId the leader it knows, or null
 * @param era      the Raft term, Paxos ballot round or Zab epoch it is in
 */
public record CoreState(Role role, String leaderId, long era) {}
