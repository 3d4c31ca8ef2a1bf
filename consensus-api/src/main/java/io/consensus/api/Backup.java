package io.consensus.api;

/**
 * A backup: one member's applied state at one point of its log, written by
 * {@link ConsensusGroup#backup} as a self-describing file whose checksum covers every byte.
 *
 * @param groupId      the group it was taken from
 * @param protocol     the protocol of that group; a backup is restored into a group of the same one
 * @param index        the native log position it covers up to
 * @param era          the era of the entry at {@code index} in the source group
 * @param appliedCount the library's applied-command count at {@code index}
 *                     (see {@link StateMachine#apply})
 * @param membership   the source group's configuration at {@code index}
 * @param sizeBytes    the size of the file
 * @param crc32c       the CRC32C checksum stored at the end of the file
 */
public record Backup(String groupId, String protocol, long index, long era, long appliedCount, Membership membership,
                     long sizeBytes, int crc32c) {}
