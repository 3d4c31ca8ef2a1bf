package io.consensus.raft;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * What a Raft member keeps durable besides its log (paper Figure 2, "persistent state").
 *
 * @param term       the latest term this member has seen
 * @param votedFor   the candidate it voted for in {@code term}, or null
 * @param joinedTerm the term in which a member that started with an empty disk first heard from a
 *                   leader: it never votes in this term or any earlier one, since it may have voted
 *                   there before its disk was lost. 0 for a member that was never wiped;
 *                   {@link #NOT_JOINED} while a fresh member has not yet heard from a leader.
 */
public record RaftMetadata(long term, String votedFor, long joinedTerm) {

    /** {@link #joinedTerm} of a fresh member that has not yet heard from any leader. */
    public static final long NOT_JOINED = -1;

    private static final int VERSION = 1;

    public RaftMetadata {
        if (term < 0) {
            throw new IllegalArgumentException("term must be >= 0, was " + term);
        }
        if (joinedTerm < NOT_JOINED) {
            throw new IllegalArgumentException("joinedTerm must be >= -1, was " + joinedTerm);
        }
    }

    /** Encodes: version, term, hasVote, votedFor (if any), joinedTerm. */
    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(32);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeLong(term);
            out.writeBoolean(votedFor != null);
            if (votedFor != null) {
                out.writeUTF(votedFor);
            }
            out.writeLong(joinedTerm);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Decodes what {@link #encode()} wrote.
     *
     * @throws IllegalStateException if the bytes are not Raft metadata: a member must not run on
     *                               durable state it cannot read
     */
    public static RaftMetadata decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new IllegalStateException("raft metadata version " + version + " is not supported");
            }
            long term = in.readLong();
            String votedFor = in.readBoolean() ? in.readUTF() : null;
            long joinedTerm = in.readLong();
            if (in.available() > 0) {
                throw new IllegalStateException("raft metadata has " + in.available() + " trailing bytes");
            }
            return new RaftMetadata(term, votedFor, joinedTerm);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("raft metadata is unreadable: " + e.getMessage(), e);
        }
    }
}
