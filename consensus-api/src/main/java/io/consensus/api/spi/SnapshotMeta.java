package io.consensus.api.spi;

import io.consensus.api.Membership;

/**
 * What a stored snapshot covers.
 *
 * @param index        the last native log position it includes
 * @param era          the era of the entry at {@code index}
 * @param appliedCount the library's applied-command count at {@code index}
 * @param membership   the configuration in effect at {@code index}
 */
public record SnapshotMeta(long index, long era, long appliedCount, Membership membership) {}
