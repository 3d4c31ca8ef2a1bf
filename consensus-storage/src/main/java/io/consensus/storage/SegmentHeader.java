package io.consensus.storage;

import io.consensus.api.spi.StorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The header every segment file starts with, written and forced before the file gets its final name,
 * so a segment without a valid header is corruption, never a torn write.
 *
 * <pre>
 *  0  int    magic           'CNSW'
 *  4  short  format version  {@link #VERSION}
 *  6  short  reserved        0
 *  8  int    sequence        the number in the file name
 * 12  short  n               length of the cluster id
 * 14  n      cluster id      UTF-8
 * 14+n int   crc32c          of the bytes before it
 * </pre>
 *
 * @param seq       the segment's sequence number
 * @param clusterId the cluster the log belongs to
 */
record SegmentHeader(int seq, String clusterId) {

    static final int MAGIC = 0x434E5357;
    static final short VERSION = 1;
    private static final int FIXED_BYTES = 14;

    /** The header's size in bytes; records start right after it. */
    int bytes() {
        return FIXED_BYTES + clusterId.getBytes(StandardCharsets.UTF_8).length + 4;
    }

    ByteBuffer encode() {
        byte[] cluster = clusterId.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(bytes());
        buf.putInt(MAGIC).putShort(VERSION).putShort((short) 0).putInt(seq).putShort((short) cluster.length)
                .put(cluster);
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 0, buf.position());
        buf.putInt((int) crc.getValue());
        return buf.flip();
    }

    /**
     * Reads and checks the header of {@code file}.
     *
     * @throws StorageException naming the file when it is not a segment of this format version
     */
    static SegmentHeader read(FileChannel channel, Path file) throws IOException {
        long size = channel.size();
        if (size < FIXED_BYTES + 4) {
            throw new StorageException(file + ": " + size + " bytes, too short for a segment header");
        }
        ByteBuffer fixed = ByteBuffer.allocate(FIXED_BYTES);
        FileIo.readFully(channel, fixed, 0);
        int magic = fixed.getInt(0);
        if (magic != MAGIC) {
            throw new StorageException(String.format(
                    "%s offset 0: not a consensus log segment (magic %08x, expected %08x)", file, magic, MAGIC));
        }
        short version = fixed.getShort(4);
        if (version != VERSION) {
            throw new StorageException(file + " offset 4: segment format version " + version + ", but this build"
                    + " reads only version " + VERSION + "; use the matching release to read or migrate it");
        }
        int clusterLength = Short.toUnsignedInt(fixed.getShort(12));
        if (size < FIXED_BYTES + clusterLength + 4L) {
            throw new StorageException(file + ": " + size + " bytes, too short for its segment header");
        }
        ByteBuffer all = ByteBuffer.allocate(FIXED_BYTES + clusterLength + 4);
        FileIo.readFully(channel, all, 0);
        CRC32C crc = new CRC32C();
        crc.update(all.array(), 0, FIXED_BYTES + clusterLength);
        int stored = all.getInt(FIXED_BYTES + clusterLength);
        if (stored != (int) crc.getValue()) {
            throw new StorageException(String.format(
                    "%s offset 0: segment header checksum mismatch (stored %08x, computed %08x)", file, stored,
                    (int) crc.getValue()));
        }
        String cluster = new String(all.array(), FIXED_BYTES, clusterLength, StandardCharsets.UTF_8);
        return new SegmentHeader(fixed.getInt(8), cluster);
    }
}
