package io.consensus.storage;

import io.consensus.api.Member;
import io.consensus.api.Membership;
import io.consensus.api.spi.SnapshotMeta;
import io.consensus.api.spi.StorageException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.zip.CRC32C;

/**
 * The layout of one snapshot file. The data goes last, so a reader streams it to the end of the file;
 * the header is written again with the data's length and checksum just before the file is forced and
 * renamed into place.
 *
 * <pre>
 *  0     int    magic          'CNSS'
 *  4     short  format version {@link #VERSION}
 *  6     short  reserved       0
 *  8     long   data length
 * 16     int    data crc32c
 * 20     int    b              body length
 * 24     b      body           group id, index, era, applied count, membership
 * 24+b   int    crc32c         of bytes 0 .. 24+b
 * 28+b   ...    data
 * </pre>
 *
 * @param meta       what the snapshot covers
 * @param groupId    the group it belongs to
 * @param dataOffset where the data starts
 * @param dataLength how many bytes of data follow
 * @param dataCrc    the data's CRC32C
 */
record SnapshotFile(SnapshotMeta meta, String groupId, long dataOffset, long dataLength, int dataCrc) {

    static final int MAGIC = 0x434E5353;
    static final short VERSION = 1;
    private static final int FIXED_BYTES = 24;
    private static final int MAX_BODY_BYTES = 64 << 20;

    /** The header for {@code meta}, before the data's length and checksum are known. */
    static SnapshotFile of(SnapshotMeta meta, String groupId) {
        return new SnapshotFile(meta, groupId, FIXED_BYTES + body(meta, groupId).length + 4, 0, 0);
    }

    /** This snapshot with its data's length and checksum. */
    SnapshotFile withData(long length, int crc) {
        return new SnapshotFile(meta, groupId, dataOffset, length, crc);
    }

    ByteBuffer encodeHeader() {
        byte[] body = body(meta, groupId);
        ByteBuffer buf = ByteBuffer.allocate(FIXED_BYTES + body.length + 4);
        buf.putInt(MAGIC).putShort(VERSION).putShort((short) 0).putLong(dataLength).putInt(dataCrc)
                .putInt(body.length).put(body);
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 0, buf.position());
        return buf.putInt((int) crc.getValue()).flip();
    }

    /**
     * Reads and checks the header and the file's size (not the data's checksum: see {@link #verifyData}).
     *
     * @throws StorageException naming the file when it is not a complete snapshot of this format
     */
    static SnapshotFile read(FileChannel channel, Path file) throws IOException {
        long size = channel.size();
        if (size < FIXED_BYTES + 4) {
            throw new StorageException(file + ": " + size + " bytes, too short for a snapshot header");
        }
        ByteBuffer fixed = ByteBuffer.allocate(FIXED_BYTES);
        FileIo.readFully(channel, fixed, 0);
        if (fixed.getInt(0) != MAGIC) {
            throw new StorageException(String.format("%s offset 0: not a snapshot file (magic %08x, expected %08x)",
                    file, fixed.getInt(0), MAGIC));
        }
        if (fixed.getShort(4) != VERSION) {
            throw new StorageException(file + " offset 4: snapshot format version " + fixed.getShort(4)
                    + ", but this build reads only version " + VERSION);
        }
        int bodyLength = fixed.getInt(20);
        if (bodyLength < 0 || bodyLength > MAX_BODY_BYTES || FIXED_BYTES + bodyLength + 4L > size) {
            throw new StorageException(file + " offset 20: invalid snapshot header length " + bodyLength);
        }
        ByteBuffer header = ByteBuffer.allocate(FIXED_BYTES + bodyLength + 4);
        FileIo.readFully(channel, header, 0);
        CRC32C crc = new CRC32C();
        crc.update(header.array(), 0, FIXED_BYTES + bodyLength);
        if (header.getInt(FIXED_BYTES + bodyLength) != (int) crc.getValue()) {
            throw new StorageException(file + " offset 0: snapshot header checksum mismatch");
        }
        long dataLength = fixed.getLong(8);
        long dataOffset = FIXED_BYTES + bodyLength + 4L;
        if (dataOffset + dataLength != size) {
            throw new StorageException(file + ": " + size + " bytes, but its header promises " + dataLength
                    + " bytes of data after offset " + dataOffset);
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(header.array(), FIXED_BYTES, bodyLength));
        String groupId = in.readUTF();
        SnapshotMeta meta = new SnapshotMeta(in.readLong(), in.readLong(), in.readLong(),
                new Membership(members(in), members(in), members(in)));
        return new SnapshotFile(meta, groupId, dataOffset, dataLength, fixed.getInt(16));
    }

    /**
     * Checks the data's checksum, reading it in chunks.
     *
     * @throws StorageException naming the file when it does not match
     */
    void verifyData(FileChannel channel, Path file) throws IOException {
        CRC32C crc = new CRC32C();
        ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        long at = dataOffset;
        long end = dataOffset + dataLength;
        while (at < end) {
            buf.clear().limit((int) Math.min(buf.capacity(), end - at));
            FileIo.readFully(channel, buf, at);
            crc.update(buf.flip());
            at += buf.limit();
        }
        if ((int) crc.getValue() != dataCrc) {
            throw new StorageException(String.format("%s offset %d: snapshot data checksum mismatch (stored %08x,"
                    + " computed %08x)", file, dataOffset, dataCrc, (int) crc.getValue()));
        }
    }

    private static byte[] body(SnapshotMeta meta, String groupId) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeUTF(groupId);
            out.writeLong(meta.index());
            out.writeLong(meta.era());
            out.writeLong(meta.appliedCount());
            Membership m = meta.membership();
            for (SortedSet<Member> set : java.util.List.of(m.voters(), m.learners(), m.outgoingVoters())) {
                out.writeInt(set.size());
                for (Member member : set) {
                    out.writeUTF(member.id());
                    out.writeUTF(member.host());
                    out.writeInt(member.port());
                }
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
    }

    private static SortedSet<Member> members(DataInputStream in) throws IOException {
        int count = in.readInt();
        SortedSet<Member> members = new TreeSet<>();
        for (int i = 0; i < count; i++) {
            members.add(new Member(in.readUTF(), in.readUTF(), in.readInt()));
        }
        return members;
    }
}
