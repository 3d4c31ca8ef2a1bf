package io.consensus.core.runtime;

import io.consensus.api.Backup;
import io.consensus.api.Membership;
import io.consensus.api.spi.SnapshotMeta;
import io.consensus.core.protocol.MembershipCodec;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The backup file format:
 *
 * <pre>
 * "CNSBAK01"                    magic and format version
 * int n, n bytes                header: group id, protocol, index, era, applied count, membership
 * state bytes                   the runtime's snapshot format (dedup table, then the state machine's)
 * long stateBytes, int crc32c   the checksum covers every byte before it
 * </pre>
 *
 * The state bytes are exactly what the runtime stores as a snapshot, so a restore streams them into
 * a snapshot store unchanged. Not an API: use {@link io.consensus.core.Recovery}.
 */
public final class BackupFile {

    private static final byte[] MAGIC = "CNSBAK01".getBytes(StandardCharsets.US_ASCII);
    private static final int TRAILER_BYTES = Long.BYTES + Integer.BYTES;
    private static final int MAX_HEADER_BYTES = 16 << 20;

    /** A verified backup: its description, and where its state bytes lie in the file. */
    public record Contents(Backup backup, long stateOffset, long stateBytes) {}

    /** Writes the state bytes; must not close the stream. */
    interface StateWriter {
        void writeTo(OutputStream out) throws IOException;
    }

    private BackupFile() {}

    static Backup write(Path file, String groupId, String protocol, SnapshotMeta meta, StateWriter state) throws IOException {
        byte[] header = header(groupId, protocol, meta);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        CRC32C crc = new CRC32C();
        long size;
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            // Not closed here: closing would close the channel before it is forced.
            DataOutputStream out = new DataOutputStream(new CheckedOutputStream(
                    new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16), crc));
            out.write(MAGIC);
            out.writeInt(header.length);
            out.write(header);
            out.flush();
            long stateOffset = channel.position();
            state.writeTo(out);
            out.flush();
            long stateBytes = channel.position() - stateOffset;
            out.writeLong(stateBytes);
            out.flush();
            int checksum = (int) crc.getValue();
            out.writeInt(checksum);
            out.flush();
            channel.force(true);
            size = channel.position();
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        forceDirectory(file.toAbsolutePath().getParent());
        // Read back once: a backup is only reported once its checksum verifies from the file itself.
        Backup written = verify(file).backup();
        if (written.sizeBytes() != size) {
            throw new IOException(file + " changed while it was written");
        }
        return written;
    }

    /**
     * Reads the whole file, checks its checksum and header.
     *
     * @throws IOException naming the file and what is wrong with it
     */
    public static Contents verify(Path file) throws IOException {
        long size = Files.size(file);
        CRC32C crc = new CRC32C();
        try (DataInputStream in = new DataInputStream(new CheckedInputStream(
                new BufferedInputStream(Files.newInputStream(file), 1 << 16), crc))) {
            byte[] magic = in.readNBytes(MAGIC.length);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new IOException(file + " is not a backup (or one of an unsupported format version)");
            }
            int headerBytes = in.readInt();
            long stateOffset = MAGIC.length + Integer.BYTES + (long) headerBytes;
            if (headerBytes < 0 || headerBytes > MAX_HEADER_BYTES || stateOffset + TRAILER_BYTES > size) {
                throw new IOException(file + " is truncated or damaged: header of " + headerBytes + " bytes in a file of " + size);
            }
            byte[] header = in.readNBytes(headerBytes);
            long stateBytes = size - TRAILER_BYTES - stateOffset;
            skipFully(in, stateBytes, file);
            long recordedStateBytes = in.readLong();
            int computed = (int) crc.getValue();
            int stored = in.readInt();
            if (recordedStateBytes != stateBytes || computed != stored) {
                throw new IOException(file + " is damaged: checksum " + Integer.toHexString(computed) + " does not match the stored "
                        + Integer.toHexString(stored) + " (or its length is wrong)");
            }
            return new Contents(parseHeader(header, size, stored, file), stateOffset, stateBytes);
        }
    }

    /** Opens the state bytes of a verified backup; the stream ends where they end. */
    static InputStream openState(Path file, Contents contents) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        in.skipNBytes(contents.stateOffset());
        return new BoundedInputStream(in, contents.stateBytes());
    }

    private static byte[] header(String groupId, String protocol, SnapshotMeta meta) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeUTF(groupId);
        out.writeUTF(protocol);
        out.writeLong(meta.index());
        out.writeLong(meta.era());
        out.writeLong(meta.appliedCount());
        byte[] membership = MembershipCodec.encode(meta.membership());
        out.writeInt(membership.length);
        out.write(membership);
        out.flush();
        return bytes.toByteArray();
    }

    private static Backup parseHeader(byte[] header, long size, int crc, Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(header))) {
            String groupId = in.readUTF();
            String protocol = in.readUTF();
            long index = in.readLong();
            long era = in.readLong();
            long appliedCount = in.readLong();
            int membershipBytes = in.readInt();
            if (membershipBytes < 0 || membershipBytes > in.available()) {
                throw new IOException("membership of " + membershipBytes + " bytes");
            }
            Membership membership = MembershipCodec.decode(in.readNBytes(membershipBytes));
            if (index < 0 || appliedCount < 0) {
                throw new IOException("negative index " + index + " or applied count " + appliedCount);
            }
            return new Backup(groupId, protocol, index, era, appliedCount, membership, size, crc);
        } catch (IOException | IllegalArgumentException e) {
            // The checksum matched, so this is a writer bug or a foreign file, not bit rot.
            throw new IOException(file + " has an unreadable header: " + e.getMessage(), e);
        }
    }

    private static void skipFully(InputStream in, long count, Path file) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long remaining = count;
        while (remaining > 0) {
            int read = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
            if (read < 0) {
                throw new IOException(file + " is truncated");
            }
            remaining -= read;
        }
    }

    private static void forceDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some platforms cannot open a directory; the file itself is already forced.
        }
    }

    /** Ends after {@code limit} bytes: the state bytes, without the trailer. */
    private static final class BoundedInputStream extends java.io.FilterInputStream {
        private long remaining;

        BoundedInputStream(InputStream in, long limit) {
            super(in);
            this.remaining = limit;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = super.read();
            if (b >= 0) {
                remaining--;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int read = super.read(buffer, offset, (int) Math.min(length, remaining));
            if (read > 0) {
                remaining -= read;
            }
            return read;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(Math.min(n, remaining));
            remaining -= skipped;
            return skipped;
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(super.available(), remaining);
        }
    }
}
