package io.consensus.paxos;

import io.consensus.api.Membership;
import io.consensus.core.protocol.MembershipCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * What an acceptor keeps durable besides its accepted slots (which are log entries).
 *
 * @param promised     the highest ballot promised (Paxos Made Simple §2.2, phase 1b); never decreases
 * @param promisedBy   the member it was promised to ("" for none or for a marker ballot)
 * @param joined       the ballot of the leader that brought this member up to date after it started
 *                     with an empty disk; it promises and accepts only above it. {@link #NOT_JOINED}
 *                     while it has not been brought up to date (Paxos Made Live §5.1)
 * @param amnesiaUntil when the runtime emptied the log under a received snapshot, the highest slot
 *                     this acceptor may have accepted and forgotten: until it has learnt every slot
 *                     up to here as chosen its promises say so, and it does not campaign; 0 when not
 *                     amnesic
 * @param acceptedThrough the highest slot ever written to this log: if a restart finds the log ends
 *                     below it, a crash cut off the rewrite of slots the runtime wiped under a
 *                     snapshot, and the acceptor treats them as forgotten ({@link Safekeeping})
 * @param configSlot   the slot of the latest configuration known chosen (0 if none), so that a
 *                     restart knows it without a snapshot
 * @param config       that configuration, or null
 */
record PaxosMetadata(long promised, String promisedBy, long joined, long amnesiaUntil, long acceptedThrough,
                     long configSlot, Membership config) {

    /** {@link #joined} of a member that started with an empty disk and was not yet brought up to date. */
    static final long NOT_JOINED = -1;
    private static final int VERSION = 1;

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeLong(promised);
            out.writeUTF(promisedBy == null ? "" : promisedBy);
            out.writeLong(joined);
            out.writeLong(amnesiaUntil);
            out.writeLong(acceptedThrough);
            out.writeLong(configSlot);
            if (config == null) {
                out.writeInt(-1);
            } else {
                byte[] encoded = MembershipCodec.encode(config);
                out.writeInt(encoded.length);
                out.write(encoded);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * @throws IllegalStateException if the bytes are not metadata of this format: the member cannot
     *                               know what it promised and must not start
     */
    static PaxosMetadata decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new IllegalStateException("paxos metadata version " + version + " is not supported");
            }
            long promised = in.readLong();
            String promisedBy = in.readUTF();
            long joined = in.readLong();
            long amnesiaUntil = in.readLong();
            long acceptedThrough = in.readLong();
            long configSlot = in.readLong();
            int length = in.readInt();
            Membership config = null;
            if (length >= 0) {
                config = MembershipCodec.decode(in.readNBytes(length));
            }
            return new PaxosMetadata(promised, promisedBy, joined, amnesiaUntil, acceptedThrough, configSlot, config);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("paxos metadata is unreadable: " + e.getMessage(), e);
        }
    }
}
