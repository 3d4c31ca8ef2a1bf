package io.consensus.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A power-loss simulator under the file log. It passes every operation to the real file system and
 * remembers, per file, the content a completed {@code force} made durable, and per directory the names
 * a completed directory force made durable. {@link #crash} then rewrites the files to that durable
 * state: unforced writes vanish (or, when tearing, an arbitrary subset of their 512-byte sectors
 * survives, in any order, as pages reach a real disk), unforced creations and renames are undone and
 * unforced deletions come back. A log that skips or misorders a force loses acknowledged data here.
 *
 * <p>A force covers only writes that completed before it started, as on a real disk.
 */
final class PowerLossIo implements FileIo {

    private static final int SECTOR = 512;

    /** A file's contents: durable bytes plus unforced writes in order (a null {@code bytes} is a truncation). */
    private static final class Inode {
        byte[] durable;
        final TreeMap<Long, Write> pending = new TreeMap<>();
        long nextSeq;

        Inode(byte[] durable) {
            this.durable = durable;
        }
    }

    private record Write(long position, byte[] bytes) {}

    private final Map<Path, Inode> current = new TreeMap<>();
    private final Map<Path, Inode> durableNames = new TreeMap<>();
    private final List<FileChannel> open = new ArrayList<>();
    private String failNextForce;
    /** Bytes that may still be written before writes fail for lack of space; unlimited by default. */
    private long spaceLeft = Long.MAX_VALUE;
    private boolean skipForces;
    private boolean skipDirectoryForces;
    private long forces;

    /** Makes the next file or directory force fail with an I/O error, as a dying disk would. */
    synchronized void failNextForce() {
        failNextForce("injected fsync failure");
    }

    /** Makes the next force fail with this message (a network file system reports ENOSPC at fsync). */
    synchronized void failNextForce(String message) {
        failNextForce = message;
    }

    /**
     * Fills the disk: the next {@code bytes} written succeed (the last of them possibly as a short write)
     * and every write after them fails with "No space left on device"; {@link #usableSpace} reports what
     * is left. Forces, renames and deletions still work, as on a real full disk.
     */
    synchronized void fillDiskAfter(long bytes) {
        spaceLeft = bytes;
    }

    /** Frees the disk again. */
    synchronized void freeDisk() {
        spaceLeft = Long.MAX_VALUE;
    }

    @Override
    public synchronized long usableSpace(Path path) throws IOException {
        return spaceLeft == Long.MAX_VALUE ? DEFAULT.usableSpace(path) : spaceLeft;
    }

    /** Turns every file force into a no-op: models a log that forgot to fsync. */
    synchronized void skipForces() {
        skipForces = true;
    }

    /** Turns every directory force into a no-op: models a log that forgot to force a directory. */
    synchronized void skipDirectoryForces() {
        skipDirectoryForces = true;
    }

    /** How many file forces completed. */
    synchronized long forces() {
        return forces;
    }

    @Override
    public synchronized FileChannel open(Path path, OpenOption... options) throws IOException {
        Path p = normalize(path);
        boolean existed = Files.exists(p);
        Inode inode = inode(p);
        FileChannel real = FileChannel.open(p, options);
        if (inode == null) {
            inode = new Inode(new byte[0]);
            current.put(p, inode); // its name becomes durable only when the directory is forced
        } else if (existed && Arrays.asList(options).contains(StandardOpenOption.TRUNCATE_EXISTING)) {
            record(inode, 0, null);
        }
        FileChannel channel = new Channel(real, inode);
        open.add(channel);
        return channel;
    }

    @Override
    public synchronized void forceDirectory(Path dir) throws IOException {
        checkFailure();
        if (skipDirectoryForces) {
            return;
        }
        Path d = normalize(dir);
        durableNames.keySet().removeIf(p -> d.equals(p.getParent()) && !current.containsKey(p));
        current.forEach((p, inode) -> {
            if (d.equals(p.getParent())) {
                durableNames.put(p, inode);
            }
        });
    }

    @Override
    public synchronized void move(Path source, Path target) throws IOException {
        Path s = normalize(source);
        Path t = normalize(target);
        Inode inode = inode(s);
        DEFAULT.move(s, t);
        current.remove(s);
        current.put(t, inode);
    }

    @Override
    public synchronized void delete(Path path) throws IOException {
        Path p = normalize(path);
        inode(p);
        Files.deleteIfExists(p);
        current.remove(p);
    }

    /**
     * Simulates the process dying (SIGKILL): channels close, but every write stays, because the page
     * cache survives; everything on disk then counts as durable.
     */
    synchronized void killProcess() throws IOException {
        for (FileChannel channel : open) {
            channel.close();
        }
        open.clear();
        current.clear();
        durableNames.clear();
    }

    /**
     * Simulates a power loss: closes every channel (the storage above is abandoned, never closed) and
     * leaves on disk only what was durable, plus, if {@code tear} is not null, random pieces of
     * unforced writes. Afterwards everything on disk counts as durable.
     */
    synchronized void crash(Random tear) throws IOException {
        for (FileChannel channel : open) {
            channel.close();
        }
        open.clear();
        Set<Path> touched = new TreeSet<>(current.keySet());
        touched.addAll(durableNames.keySet());
        for (Path p : touched) {
            Files.deleteIfExists(p);
        }
        Map<Path, Inode> survivors = new TreeMap<>();
        for (Map.Entry<Path, Inode> e : durableNames.entrySet()) {
            Inode inode = e.getValue();
            byte[] bytes = inode.durable;
            if (tear != null) {
                for (Write w : inode.pending.values()) {
                    bytes = tear(bytes, w, tear);
                }
            }
            Files.write(e.getKey(), bytes);
            survivors.put(e.getKey(), new Inode(bytes));
        }
        current.clear();
        durableNames.clear();
        current.putAll(survivors);
        durableNames.putAll(survivors);
    }

    /** Applies some of an unforced write: all, none, a prefix, or a random subset of its sectors. */
    private static byte[] tear(byte[] content, Write w, Random random) {
        if (w.bytes() == null) {
            return random.nextBoolean() ? apply(content, w) : content;
        }
        byte[] out = content;
        int choice = random.nextInt(4);
        int cut = choice == 2 ? random.nextInt(w.bytes().length + 1) : w.bytes().length;
        long pos = w.position();
        long end = pos + cut;
        while (pos < end) {
            long sectorEnd = Math.min(end, (pos / SECTOR + 1) * SECTOR);
            boolean keep = switch (choice) {
                case 0 -> false;
                case 1, 2 -> true;
                default -> random.nextBoolean();
            };
            if (keep) {
                int from = (int) (pos - w.position());
                out = apply(out, new Write(pos, Arrays.copyOfRange(w.bytes(), from, from + (int) (sectorEnd - pos))));
            }
            pos = sectorEnd;
        }
        return out;
    }

    private static byte[] apply(byte[] content, Write w) {
        if (w.bytes() == null) { // truncate never extends a file
            return content.length > w.position() ? Arrays.copyOf(content, (int) w.position()) : content;
        }
        int end = (int) w.position() + w.bytes().length;
        byte[] out = end > content.length ? Arrays.copyOf(content, end) : content;
        System.arraycopy(w.bytes(), 0, out, (int) w.position(), w.bytes().length);
        return out;
    }

    /** The inode of {@code p}, adopting a file that existed before this layer saw it as durable. */
    private Inode inode(Path p) throws IOException {
        Inode inode = current.get(p);
        if (inode == null && Files.isRegularFile(p)) {
            inode = new Inode(Files.readAllBytes(p));
            current.put(p, inode);
            durableNames.put(p, inode);
        }
        return inode;
    }

    private synchronized void record(Inode inode, long position, byte[] bytes) {
        inode.pending.put(inode.nextSeq++, new Write(position, bytes));
    }

    private void checkFailure() throws IOException {
        if (failNextForce != null) {
            String message = failNextForce;
            failNextForce = null;
            throw new IOException(message);
        }
    }

    /** {@code src}, or the part of it that still fits on the disk. */
    private synchronized ByteBuffer fitting(ByteBuffer src) throws IOException {
        if (spaceLeft == 0 && src.hasRemaining()) {
            throw new IOException("No space left on device");
        }
        return src.remaining() <= spaceLeft ? src : src.slice().limit((int) spaceLeft);
    }

    private synchronized void consumed(int bytes) {
        if (spaceLeft != Long.MAX_VALUE) {
            spaceLeft -= bytes;
        }
    }

    private static Path normalize(Path path) {
        return path.toAbsolutePath().normalize();
    }

    /** Records writes and makes them durable on force. */
    private final class Channel extends FileChannel {
        private final FileChannel real;
        private final Inode inode;

        Channel(FileChannel real, Inode inode) {
            this.real = real;
            this.inode = inode;
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            ByteBuffer fits = fitting(src);
            ByteBuffer copy = fits.duplicate();
            int n = real.write(fits, position);
            if (fits != src) {
                src.position(src.position() + n);
            }
            consumed(n);
            byte[] bytes = new byte[n];
            copy.get(bytes);
            record(inode, position, bytes);
            return n;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            synchronized (this) {
                long position = real.position();
                int n = write(src, position);
                real.position(position + n);
                return n;
            }
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            real.truncate(size);
            record(inode, size, null);
            return this;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            long upTo;
            synchronized (PowerLossIo.this) {
                checkFailure();
                if (skipForces) {
                    return;
                }
                upTo = inode.nextSeq;
            }
            real.force(metaData);
            synchronized (PowerLossIo.this) {
                var covered = inode.pending.headMap(upTo);
                for (Write w : covered.values()) {
                    inode.durable = apply(inode.durable, w);
                }
                covered.clear();
                forces++;
            }
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return real.read(dst);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return real.read(dst, position);
        }

        @Override
        public long position() throws IOException {
            return real.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            real.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return real.size();
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return real.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return real.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            real.close();
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) {
            throw new UnsupportedOperationException("not modelled");
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) {
            throw new UnsupportedOperationException("not modelled");
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) {
            throw new UnsupportedOperationException("not modelled");
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) {
            throw new UnsupportedOperationException("not modelled");
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) {
            throw new UnsupportedOperationException("not modelled");
        }
    }
}
