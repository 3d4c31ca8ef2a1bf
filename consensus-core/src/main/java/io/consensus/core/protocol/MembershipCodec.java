package io.consensus.core.protocol;

import io.consensus.api.Member;
import io.consensus.api.Membership;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.SortedSet;
import java.util.TreeSet;

/** The bytes of a {@link Membership} in {@code CONFIG} entries and snapshots, shared by all protocols. */
public final class MembershipCodec {

    private static final int VERSION = 1;

    private MembershipCodec() {}

    public static byte[] encode(Membership membership) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            writeSet(out, membership.voters());
            writeSet(out, membership.learners());
            writeSet(out, membership.outgoingVoters());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * @throws IllegalArgumentException if the bytes are not an encoded membership
     */
    public static Membership decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new IllegalArgumentException("membership format version " + version + " is not supported (expected " + VERSION + ")");
            }
            return new Membership(readSet(in), readSet(in), readSet(in));
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed membership: " + e.getMessage(), e);
        }
    }

    private static void writeSet(DataOutputStream out, SortedSet<Member> members) throws IOException {
        out.writeInt(members.size());
        for (Member member : members) {
            out.writeUTF(member.id());
            out.writeUTF(member.host());
            out.writeInt(member.port());
        }
    }

    private static SortedSet<Member> readSet(DataInputStream in) throws IOException {
        int size = in.readInt();
        if (size < 0 || size > 10_000) {
            throw new IOException("member count " + size + " is out of range");
        }
        SortedSet<Member> members = new TreeSet<>();
        for (int i = 0; i < size; i++) {
            members.add(new Member(in.readUTF(), in.readUTF(), in.readInt()));
        }
        return members;
    }
}
