package io.consensus.storage;

import io.consensus.api.spi.SnapshotMeta;
import io.consensus.api.spi.SnapshotStore;
import io.consensus.api.spi.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One group's snapshots in {@code <dataDir>/snapshots/<escaped group id>/snapshot-<seq>.snap}. A
 * snapshot is streamed to a temporary file with a running CRC32C, forced, renamed into place and the
 * directory forced; then older ones are deleted. The newest sequence number is the latest snapshot, so
 * an older file that survives an interrupted deletion is harmless.
 */
final class FileSnapshotStore implements SnapshotStore {

    private static final Logger LOG = LoggerFactory.getLogger(FileSnapshotStore.class);
    private static final Pattern NAME = Pattern.compile("snapshot-(\\d{20})\\.snap");

    /** An installed snapshot. */
    private record Installed(long seq, Path path, SnapshotFile file) {}

    private final Path dir;
    private final FileIo io;
    private final String groupId;
    private final boolean forces;
    private final AtomicLong lastSeq;
    private volatile Installed latest;

    private FileSnapshotStore(Path dir, FileIo io, String groupId, boolean forces, long lastSeq, Installed latest) {
        this.dir = dir;
        this.io = io;
        this.groupId = groupId;
        this.forces = forces;
        this.lastSeq = new AtomicLong(lastSeq);
        this.latest = latest;
    }

    /**
     * Opens the store of {@code groupId} under {@code root}, checking the latest snapshot's header and
     * deleting leftovers of unfinished or superseded snapshots.
     *
     * @throws StorageException if the latest snapshot is damaged or belongs to another group
     */
    static FileSnapshotStore open(Path root, FileIo io, String groupId, boolean forces) throws IOException {
        Path dir = root.resolve(directoryName(groupId));
        io.createDirectories(dir);
        TreeMap<Long, Path> found = list(dir);
        try (Stream<Path> files = Files.list(dir)) {
            for (Path tmp : files.filter(f -> f.getFileName().toString().endsWith(".tmp")).sorted().toList()) {
                LOG.info("deleting {}: a snapshot that was never installed", tmp);
                io.delete(tmp);
            }
        }
        Installed latest = null;
        if (!found.isEmpty()) {
            Path path = found.lastEntry().getValue();
            try (FileChannel channel = io.open(path, StandardOpenOption.READ)) {
                SnapshotFile file = SnapshotFile.read(channel, path);
                if (!file.groupId().equals(groupId)) {
                    throw new StorageException(path + ": a snapshot of group '" + file.groupId() + "', not '"
                            + groupId + "'");
                }
                latest = new Installed(found.lastKey(), path, file);
            }
            for (Path older : found.headMap(found.lastKey()).values()) {
                io.delete(older);
            }
        }
        return new FileSnapshotStore(dir, io, groupId, forces, found.isEmpty() ? 0 : found.lastKey(), latest);
    }

    /** Snapshot files in {@code dir} by sequence number. */
    static TreeMap<Long, Path> list(Path dir) throws IOException {
        TreeMap<Long, Path> found = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Matcher m = NAME.matcher(file.getFileName().toString());
                if (m.matches()) {
                    found.put(Long.parseLong(m.group(1)), file);
                }
            }
        }
        return found;
    }

    /**
     * A file name for a group id that is safe on every file system: lower-case letters, digits, '-' and
     * '_' stay, every other byte of its UTF-8 becomes {@code %XX}. Distinct ids give names that differ
     * even ignoring case, and none is "." or "..".
     */
    static String directoryName(String groupId) {
        StringBuilder name = new StringBuilder();
        for (byte b : groupId.getBytes(StandardCharsets.UTF_8)) {
            if ((b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '-' || b == '_') {
                name.append((char) b);
            } else {
                name.append('%').append(String.format("%02X", b & 0xFF));
            }
        }
        if (name.length() > 200) {
            throw new StorageException("group id '" + groupId + "' is too long to name its snapshot directory");
        }
        return name.toString();
    }

    @Override
    public Optional<SnapshotMeta> latest() {
        Installed installed = latest;
        return installed == null ? Optional.empty() : Optional.of(installed.file().meta());
    }

    /** Opens the latest snapshot's data after verifying its checksum. */
    @Override
    public InputStream open(SnapshotMeta meta) throws IOException {
        Installed installed = latest;
        if (installed == null || !installed.file().meta().equals(meta)) {
            throw new NoSuchFileException(dir.toString(), null, "no installed snapshot " + meta);
        }
        FileChannel channel = io.open(installed.path(), StandardOpenOption.READ);
        try {
            installed.file().verifyData(channel, installed.path());
            channel.position(installed.file().dataOffset());
            return Channels.newInputStream(channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public Writer begin(SnapshotMeta meta) throws IOException {
        long seq = lastSeq.incrementAndGet();
        return new FileWriter(seq, SnapshotFile.of(meta, groupId));
    }

    private void installed(Installed installed) throws IOException {
        latest = installed;
        for (Path older : List.copyOf(list(dir).headMap(installed.seq()).values())) {
            io.delete(older); // not forced: if a deletion is lost the newer file still wins
        }
    }

    /** Streams one snapshot into a temporary file. */
    private final class FileWriter implements Writer {
        private final long seq;
        private final SnapshotFile header;
        private final Path tmp;
        private final FileChannel channel;
        private final CRC32C crc = new CRC32C();
        private final ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
        private final OutputStream output = new Output();
        private long length;
        private boolean finished;

        FileWriter(long seq, SnapshotFile header) throws IOException {
            this.seq = seq;
            this.header = header;
            this.tmp = dir.resolve(String.format("snapshot-%020d.snap.tmp", seq));
            this.channel = io.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE);
            FileIo.writeFully(channel, header.encodeHeader(), 0);
        }

        @Override
        public OutputStream output() {
            return output;
        }

        @Override
        public void install() throws IOException {
            if (finished) {
                throw new IllegalStateException("snapshot " + tmp + " was already installed or discarded");
            }
            finished = true;
            boolean done = false;
            try {
                drain();
                SnapshotFile complete = header.withData(length, (int) crc.getValue());
                FileIo.writeFully(channel, complete.encodeHeader(), 0);
                if (forces) {
                    channel.force(true); // fsync here: the data and header are durable before the name exists
                }
                channel.close();
                synchronized (FileSnapshotStore.this) {
                    Installed current = latest;
                    if (current != null && current.file().meta().index() > header.meta().index()) {
                        // A snapshot received from the leader while this one was written covers it;
                        // installing this one would make it the latest and prune the newer one.
                        io.delete(tmp);
                        done = true;
                        return;
                    }
                    Path path = dir.resolve(String.format("snapshot-%020d.snap", seq));
                    io.move(tmp, path);
                    if (forces) {
                        io.forceDirectory(dir); // fsync here before install() returns: the new name survives a crash
                    }
                    done = true;
                    installed(new Installed(seq, path, complete));
                }
            } finally {
                if (!done) {
                    discard();
                }
            }
        }

        @Override
        public void close() {
            if (!finished) {
                finished = true;
                discard();
            }
        }

        private void discard() {
            try {
                channel.close();
                io.delete(tmp);
            } catch (IOException e) {
                LOG.warn("cannot delete the unfinished snapshot {}; it is deleted at the next open", tmp, e);
            }
        }

        private void drain() throws IOException {
            buffer.flip();
            int bytes = buffer.remaining();
            crc.update(buffer.duplicate());
            FileIo.writeFully(channel, buffer, header.dataOffset() + length);
            length += bytes;
            buffer.clear();
        }

        /** Buffers into {@link #buffer}; closing it does not install anything. */
        private final class Output extends OutputStream {
            @Override
            public void write(int b) throws IOException {
                if (!buffer.hasRemaining()) {
                    drain();
                }
                buffer.put((byte) b);
            }

            @Override
            public void write(byte[] bytes, int offset, int count) throws IOException {
                int at = offset;
                int left = count;
                while (left > 0) {
                    if (!buffer.hasRemaining()) {
                        drain();
                    }
                    int n = Math.min(left, buffer.remaining());
                    buffer.put(bytes, at, n);
                    at += n;
                    left -= n;
                }
            }
        }
    }
}
