package io.consensus.zab;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * What a Zab member keeps durable besides its log (paper §IV: f.p and f.a).
 *
 * @param acceptedEpoch  the last epoch it accepted with ACKEPOCH (f.p, ZooKeeper's {@code acceptedEpoch}
 *                       file); it never acknowledges anything of an older epoch again
 * @param acceptedLeader the leader whose NEWEPOCH made {@link #acceptedEpoch}, or null: two prospective
 *                       leaders may propose the same number, and a member acknowledges each epoch for
 *                       one leader only, so at most one of them gathers a quorum
 * @param currentEpoch   the last epoch whose NEWLEADER it acknowledged (f.a, {@code currentEpoch}):
 *                       written only once the history it was synchronized to is durable
 * @param joinedEpoch    for a member that started with an empty disk and did not bootstrap: the epoch in
 *                       which a leader brought it up to date ({@link #NOT_JOINED} until then). It takes
 *                       part in quorums only in later epochs. 0 for a member that was never wiped.
 */
public record ZabMetadata(long acceptedEpoch, String acceptedLeader, long currentEpoch, long joinedEpoch) {

    /** {@link #joinedEpoch} of a fresh member that no leader has brought up to date yet. */
    public static final long NOT_JOINED = -1;

    /** The metadata of a member that has never been in any epoch. */
    public static final ZabMetadata INITIAL = new ZabMetadata(0, null, 0, 0);

    private static final int VERSION = 1;

    public ZabMetadata {
        if (acceptedEpoch < 0 || currentEpoch < 0) {
            throw new IllegalArgumentException("epochs must be >= 0, were " + acceptedEpoch + " and " + currentEpoch);
        }
        if (currentEpoch > acceptedEpoch) {
            throw new IllegalArgumentException("current epoch " + currentEpoch + " is above accepted epoch " + acceptedEpoch);
        }
        if (joinedEpoch < NOT_JOINED) {
            throw new IllegalArgumentException("joinedEpoch must be >= -1, was " + joinedEpoch);
        }
    }

    /** Whether this member may take part in quorums (it is not an unjoined fresh member). */
    public boolean joined() {
        return joinedEpoch != NOT_JOINED;
    }

    public ZabMetadata withAccepted(long epoch, String leader) {
        return new ZabMetadata(epoch, leader, currentEpoch, joinedEpoch);
    }

    public ZabMetadata withCurrent(long epoch) {
        return new ZabMetadata(acceptedEpoch, acceptedLeader, epoch, joinedEpoch);
    }

    public ZabMetadata withJoined(long epoch) {
        return new ZabMetadata(acceptedEpoch, acceptedLeader, currentEpoch, epoch);
    }

    /** Encodes: version, acceptedEpoch, hasLeader, acceptedLeader (if any), currentEpoch, joinedEpoch. */
    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(40);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeLong(acceptedEpoch);
            out.writeBoolean(acceptedLeader != null);
            if (acceptedLeader != null) {
                out.writeUTF(acceptedLeader);
            }
            out.writeLong(currentEpoch);
            out.writeLong(joinedEpoch);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Decodes what {@link #encode()} wrote.
     *
     * @throws IllegalStateException if the bytes are not Zab metadata: a member must not run on
     *                               durable state it cannot read
     */
    public static ZabMetadata decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new IllegalStateException("zab metadata version " + version + " is not supported");
            }
            long accepted = in.readLong();
            String leader = in.readBoolean() ? in.readUTF() : null;
            long current = in.readLong();
            long joined = in.readLong();
            if (in.available() > 0) {
                throw new IllegalStateException("zab metadata has " + in.available() + " trailing bytes");
            }
            return new ZabMetadata(accepted, leader, current, joined);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("zab metadata is unreadable: " + e.getMessage(), e);
        }
    }
}
