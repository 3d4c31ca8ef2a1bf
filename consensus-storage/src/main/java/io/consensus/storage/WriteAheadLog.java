package io.consensus.storage;

import io.consensus.api.spi.EntryKind;
import io.consensus.api.spi.GroupIdentity;
import io.consensus.api.spi.LogEntry;
import io.consensus.api.spi.StorageException;
import io.consensus.api.spi.StorageFullException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one write-ahead log of a node, shared by all its groups: every mutation of every group is a
 * record appended to the newest segment, so one {@code force} makes all of them durable.
 *
 * <p><b>Writing.</b> A mutation encodes its frames into one reusable direct buffer and writes them with
 * one positional write, under {@link #lock}. Reads go to the file (the page cache) and verify the
 * checksum every time.
 *
 * <p><b>Group commit.</b> {@link #sync()} notes the end of the log under the lock, then forces the
 * segment <em>without</em> holding it, so other groups keep appending while the force runs; a caller
 * whose writes a concurrent force already covered returns without forcing again.
 *
 * <p><b>Segments and reclamation.</b> When the newest segment is full the log forces it, creates the
 * next one (header forced, renamed into place, directory forced) and writes at its start a checkpoint:
 * every group's identity, latest metadata and compaction point (at open it writes one into the newest
 * segment too, since a crash may have torn the one written at its roll). Behind a checkpoint, records
 * in older segments are either entries or superseded, so an older segment is dead once no group's index
 * points into it (its entries were compacted, truncated or rewritten). Dead segments are deleted oldest
 * first and only as a prefix (so a truncation record is never deleted while entries it removed survive),
 * only once a force has made durable the records that killed them and the active segment's checkpoint,
 * and each deletion is forced before the next, so a crash always leaves a contiguous run of segments.
 *
 * <p><b>Preallocation.</b> A background thread keeps the active segment zero-filled (and forced) up to
 * {@link #PREALLOCATE_AHEAD_BYTES} beyond the log's end, so a sync overwrites blocks the file already
 * has: the file system then forces data only, not a journal commit for the file's growth, which
 * halves {@code fdatasync} on ext4 (the peer harness measures 92 against 184 us on the project's
 * machine) and it is on the path of every acknowledgement. Zeros after the last record of the newest
 * segment are unwritten space, not a torn tail; a segment is cut to its records before its successor
 * is created, so only the newest ever has them.
 *
 * <p><b>Torn tails.</b> The first batch after each completed force starts with a SYNCED record naming
 * the offset that force covered, and a clean close ends with one; recovery uses them to tell a torn
 * tail from corruption (see {@link SegmentScanner}).
 *
 * <p><b>Failures.</b> An I/O error in a write, force or deletion poisons the log: every later write and
 * sync throws, because after a failed {@code fsync} the kernel may have dropped the dirty pages and a
 * retry could falsely succeed. The one exception is a write that finds the file system full (see
 * {@link #writeFailed}): it is undone, in memory and on disk, and the log stays usable.
 */
final class WriteAheadLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WriteAheadLog.class);
    private static final int BUFFER_BYTES = 1 << 20;
    private static final byte[] EMPTY = new byte[0];
    /** How far ahead of the end the active segment is kept zero-filled, by default. */
    static final long PREALLOCATE_AHEAD_BYTES = 4L << 20;
    /** Zeros are written in pieces this large, the lock held for one piece at a time. */
    private static final int PREALLOCATE_PIECE_BYTES = 256 << 10;
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(PREALLOCATE_PIECE_BYTES).asReadOnlyBuffer();

    private final Path dir;
    private final FileIo io;
    private final String clusterId;
    private final long segmentBytes;
    private final boolean forces;
    private final FileChannel lockFile;
    private final List<String> repairs;
    /** Zero-fills ahead of the end; null when {@link #preallocateBytes} is 0. */
    private final ExecutorService preallocator;
    private final long preallocateBytes;

    /** Guards all fields below, the segments' live counts and every group's state. */
    private final Object lock = new Object();
    /** Serialises forces and segment deletion; taken before {@link #lock}, never while holding it. */
    private final ReentrantLock syncLock = new ReentrantLock();
    private final SegmentSet segments;
    private final TreeMap<Integer, GroupState> groups;
    private final TreeMap<String, GroupState> groupsById = new TreeMap<>();
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES);
    private final CRC32C crc = new CRC32C();
    private int[] offsets = new int[64];
    private Segment active;
    /** Where the next frame goes in the active segment (the buffer, empty between mutations, fills from here). */
    private long position;
    /** The active segment's file holds records or zeros up to here (at least {@link #position}). */
    private long allocatedEnd;
    /** A zero-fill is queued or running. */
    private boolean preallocating;
    private boolean preallocationStopped;
    /** The last (segment, offset) a completed force covered, packed by {@link #point}. */
    private long durable;
    /** The offset the last SYNCED marker in the active segment vouched for. */
    private long markedOffset;
    /** Where the mutation in progress started, to undo it if it finds no space (see {@link #begin}). */
    private Segment startSegment;
    private long startPosition;
    private long startMarkedOffset;
    private long startDurable;
    /** Set when a write found no space; cleared by {@link #full()} once a segment's worth is free. */
    private volatile boolean full;
    private volatile StorageException failure;
    private boolean closed;

    private WriteAheadLog(Path dir, FileIo io, String clusterId, long segmentBytes, boolean forces,
                          long preallocateBytes, FileChannel lockFile, LogRecovery.Recovered recovered) throws IOException {
        this.dir = dir;
        this.io = io;
        this.clusterId = clusterId;
        this.segmentBytes = segmentBytes;
        this.forces = forces;
        this.lockFile = lockFile;
        this.segments = recovered.segments();
        this.groups = recovered.groups();
        this.repairs = List.copyOf(recovered.repairs());
        groups.values().forEach(g -> groupsById.put(g.identity.groupId(), g));
        active = segments.last();
        position = recovered.end();
        durable = point(active.seq, position); // recovery forced what it found
        markedOffset = active.dataStart;
        allocatedEnd = Math.max(position, active.channel.size());
        this.preallocateBytes = preallocateBytes;
        this.preallocator = preallocateBytes == 0 ? null : Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "consensus-preallocate-" + dir.getParent().getFileName());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Opens (creating if needed) the log in {@code dir}, recovering its state.
     *
     * @throws StorageException if another storage holds the directory, or as {@link LogRecovery} fails
     */
    static WriteAheadLog open(Path dir, String clusterId, long segmentBytes, boolean forces, FileIo io) {
        return open(dir, clusterId, segmentBytes, forces, io, 0);
    }

    /** @param preallocateBytes how far ahead of the end the active segment is kept zero-filled; 0 never */
    static WriteAheadLog open(Path dir, String clusterId, long segmentBytes, boolean forces, FileIo io,
                              long preallocateBytes) {
        FileChannel lockFile = null;
        try {
            io.createDirectories(dir);
            lockFile = io.open(dir.resolve("LOCK"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock held;
            try {
                held = lockFile.tryLock();
            } catch (OverlappingFileLockException e) {
                held = null;
            }
            if (held == null) {
                throw new StorageException(dir + " is in use by another open storage; a data directory belongs"
                        + " to one node");
            }
            LogRecovery.Recovered recovered = LogRecovery.recover(dir, clusterId, io, forces);
            WriteAheadLog wal;
            try {
                wal = new WriteAheadLog(dir, io, clusterId, segmentBytes, forces, preallocateBytes, lockFile, recovered);
                wal.checkpointAtOpen();
            } catch (IOException e) {
                recovered.segments().closeAll();
                throw e;
            }
            return wal;
        } catch (IOException | RuntimeException e) {
            SegmentSet.closeQuietly(lockFile);
            throw e instanceof StorageException se ? se
                    : new StorageException("cannot open the log in " + dir + ": " + e, e);
        }
    }

    /**
     * Re-states every group's state in the recovered newest segment: a crash may have torn away the
     * checkpoint its roll wrote, and older segments may only be deleted behind a checkpoint.
     */
    private void checkpointAtOpen() throws IOException {
        synchronized (lock) {
            checkpoint();
            flush();
        }
    }

    boolean forces() {
        return forces;
    }

    /** What recovery repaired at open, each also logged at WARN. */
    List<String> repairs() {
        return repairs;
    }

    /**
     * The groups with a live entry in a segment older than the newest {@code keep}: until they compact
     * it, that segment and every later one stay on disk, since segments are deleted only as a prefix.
     */
    Set<String> groupsPinning(int keep) {
        synchronized (lock) {
            int oldestKept = active.seq - keep + 1;
            Set<String> pinning = new TreeSet<>();
            for (GroupState g : groups.values()) {
                if (g.segments.oldest() < oldestKept) {
                    pinning.add(g.identity.groupId());
                }
            }
            return pinning;
        }
    }

    /**
     * Whether a write found no space and less than one segment's worth has been freed since. Writes are
     * attempted either way; this is a hint to stop offering new work, with some hysteresis.
     */
    boolean full() {
        if (!full) {
            return false;
        }
        long free;
        try {
            free = io.usableSpace(dir);
        } catch (IOException e) {
            return true;
        }
        if (free >= segmentBytes) {
            full = false;
            LOG.info("{} has {} bytes free again; new writes are welcome", dir, free);
        }
        return full;
    }

    /**
     * The state of the group with this identity, registering it (an IDENTITY record) if it is new.
     *
     * @throws StorageException if the stored group of that id has another identity
     */
    GroupState register(GroupIdentity identity) {
        synchronized (lock) {
            GroupState known = groupsById.get(identity.groupId());
            if (known != null) {
                if (!known.identity.equals(identity)) {
                    throw new StorageException("group '" + identity.groupId() + "' in " + dir + " is stored as "
                            + describe(known.identity) + "; it cannot be opened as " + describe(identity));
                }
                return known;
            }
            if (!identity.clusterId().equals(clusterId)) {
                throw new StorageException(dir + " belongs to cluster '" + clusterId + "'; group '"
                        + identity.groupId() + "' cannot be opened as part of cluster '" + identity.clusterId() + "'");
            }
            checkWritable();
            GroupState group = new GroupState(groups.isEmpty() ? 1 : groups.lastKey() + 1, identity, segments);
            try {
                begin(Frame.bytes(group.identityPayload.length));
                emit(group.tag, Frame.IDENTITY, null, 0, 0, group.identityPayload);
                flush();
            } catch (IOException e) {
                throw writeFailed(e);
            }
            groups.put(group.tag, group);
            groupsById.put(identity.groupId(), group);
            return group;
        }
    }

    /** Appends entries, each replacing any record of its index. */
    void append(GroupState group, List<LogEntry> entries) {
        synchronized (lock) {
            checkWritable();
            long bytes = 0;
            for (LogEntry e : entries) {
                if (e.index() <= group.compactedTo) {
                    throw new IllegalArgumentException("entry " + e.index() + " of group " + group.identity.groupId()
                            + " is at or below the compaction point " + group.compactedTo);
                }
                bytes += Frame.bytes(e.payload().length);
            }
            if (offsets.length < entries.size()) {
                offsets = new int[Math.max(entries.size(), offsets.length * 2)];
            }
            try {
                begin(bytes);
                for (int i = 0; i < entries.size(); i++) {
                    LogEntry e = entries.get(i);
                    offsets[i] = emit(group.tag, Frame.ENTRY, e.kind(), e.index(), e.era(), e.payload());
                }
                flush();
            } catch (IOException e) {
                throw writeFailed(e);
            }
            for (int i = 0; i < entries.size(); i++) {
                LogEntry e = entries.get(i);
                group.tail.appended(e, group.index.isEmpty() ? 0 : group.index.last());
                group.index.put(e.index(), active.seq, offsets[i], Frame.bytes(e.payload().length));
            }
        }
    }

    /** Removes every entry {@code >= from}. */
    void truncate(GroupState group, long from) {
        synchronized (lock) {
            checkWritable();
            if (group.index.isEmpty() || group.index.last() < from) {
                return;
            }
            writeRecord(group, Frame.TRUNCATE, from, EMPTY);
            group.index.removeFrom(from);
            group.tail.removeFrom(from);
        }
    }

    /** Removes every entry {@code <= upTo}. */
    void compact(GroupState group, long upTo) {
        synchronized (lock) {
            checkWritable();
            if (upTo <= group.compactedTo) {
                return;
            }
            writeRecord(group, Frame.COMPACT, upTo, EMPTY);
            group.compact(upTo);
        }
    }

    /** Replaces the metadata; one record, so a crash leaves either the old or the new bytes. */
    void writeMetadata(GroupState group, byte[] metadata) {
        synchronized (lock) {
            checkWritable();
            writeRecord(group, Frame.METADATA, 0, metadata);
            group.metadata = metadata;
        }
    }

    private void writeRecord(GroupState group, byte type, long index, byte[] payload) {
        try {
            begin(Frame.bytes(payload.length));
            emit(group.tag, type, null, index, 0, payload);
            flush();
        } catch (IOException e) {
            throw writeFailed(e);
        }
    }

    /** Reads and verifies one entry. */
    LogEntry read(GroupState group, long index, GroupIndex.Location at) {
        return segments.read(group.tag, index, at);
    }

    /** Reads and verifies entries, with one read for each run of adjacent frames. */
    List<LogEntry> read(GroupState group, long[] indexes, GroupIndex.Location[] at, int count) {
        return segments.read(group.tag, indexes, at, count);
    }

    /**
     * Makes everything written before the call durable: forces the active segment (older ones were
     * forced when they filled up), then deletes dead segments. Writes go on while the force runs.
     *
     * @throws StorageException if the force failed; the log is then poisoned
     */
    void sync() {
        long wanted;
        synchronized (lock) {
            checkWritable();
            wanted = point(active.seq, position);
        }
        syncLock.lock();
        try {
            Segment segment;
            long target;
            List<Segment> dead;
            synchronized (lock) {
                checkWritable();
                if (forces && durable >= wanted) {
                    return; // group commit: a force that started after our writes already covered them
                }
                segment = active;
                target = point(segment.seq, position);
                // Decided now, so only records covered by the force below can have killed these segments;
                // that force also covers the active segment's checkpoint (written at its roll or at open).
                dead = segments.deadBefore(segment.seq);
            }
            if (forces) {
                try {
                    // fsync here before acknowledging: covers every group's writes up to target.
                    segment.channel.force(false);
                } catch (IOException e) {
                    throw fail("forcing " + segment.path, e);
                }
                synchronized (lock) {
                    durable = Math.max(durable, target);
                }
            }
            deleteSegments(dead);
        } finally {
            syncLock.unlock();
        }
    }

    private void deleteSegments(List<Segment> dead) {
        for (Segment s : dead) {
            segments.remove(s);
            try {
                s.channel.close();
                io.delete(s.path);
                if (forces) {
                    // One at a time, oldest first, each forced: a crash leaves the segments contiguous.
                    io.forceDirectory(dir);
                }
            } catch (IOException e) {
                throw fail("deleting " + s.path, e);
            }
            LOG.debug("deleted {}: every record in it is compacted or superseded", s.path);
        }
    }

    /**
     * Forces the log, vouches for all of it with a final SYNCED marker (so after a clean close any bad
     * frame is corruption, never a torn tail) and closes every file. Unsynced writes are lost only if
     * the final force fails.
     */
    @Override
    public void close() {
        if (preallocator != null) {
            synchronized (lock) {
                preallocationStopped = true; // the closing marker's flush must not queue another fill
            }
            preallocator.shutdown();
            try {
                preallocator.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        syncLock.lock();
        try {
            synchronized (lock) {
                if (closed) {
                    return;
                }
                closed = true;
                try {
                    if (failure == null && forces) {
                        // fsync here before the marker, which may only vouch for durable bytes; then for the marker.
                        active.channel.force(false);
                        closingMarker();
                    }
                } catch (IOException e) {
                    throw fail("closing " + active.path, e);
                } finally {
                    segments.closeAll();
                    SegmentSet.closeQuietly(lockFile);
                }
            }
        } finally {
            syncLock.unlock();
        }
    }

    /**
     * Writes and forces the SYNCED marker of a clean close. A full file system only costs the marker:
     * without it, recovery treats what follows the previous one as a possible torn tail, and keeps every
     * intact record of it, all of which the force before this made durable.
     */
    private void closingMarker() throws IOException {
        try {
            emit(0, Frame.SYNCED, null, position, 0, EMPTY);
            flush();
        } catch (NoSpaceException e) {
            buffer.clear();
            LOG.warn("{}: no space for the closing sync marker; the next open may report a torn tail there", active.path);
            return;
        }
        // A clean close leaves files that hold records only: the preallocated zeros are cut away (and
        // the cut forced with the marker), so the next open preallocates afresh.
        active.channel.force(cutPreallocatedZeros());
    }

    /** Cuts the active segment to its records; whether there were zeros past them (the size changed). */
    private boolean cutPreallocatedZeros() throws IOException {
        boolean preallocated = active.channel.size() > position;
        if (preallocated) {
            active.channel.truncate(position);
        }
        return preallocated;
    }

    /**
     * Starts a mutation: notes where it starts, rolls to a new segment if {@code bytes} do not fit, then
     * writes a SYNCED marker if one is due.
     */
    private void begin(long bytes) throws IOException {
        startSegment = active;
        startPosition = position;
        startMarkedOffset = markedOffset;
        startDurable = durable;
        long total = bytes + Frame.HEADER_BYTES;
        if (position + total > segmentBytes && position > active.dataStart) {
            roll();
        }
        if (position + total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a write of " + bytes + " bytes does not fit in one segment");
        }
        if (forces && durable >>> 32 == active.seq && (int) durable > markedOffset) {
            markedOffset = (int) durable;
            emit(0, Frame.SYNCED, null, markedOffset, 0, EMPTY);
        }
    }

    private void roll() throws IOException {
        flush();
        boolean preallocated = cutPreallocatedZeros(); // only the newest segment may end in zeros
        if (forces) {
            // fsync here: a segment is complete and durable before its successor exists, so only the
            // newest segment can ever have a torn tail (or zeros: the cut's new size is forced too).
            active.channel.force(preallocated);
        }
        Segment next = Segment.create(io, dir, active.seq + 1, clusterId, forces);
        segments.add(next);
        active = next;
        position = next.dataStart;
        allocatedEnd = position;
        markedOffset = position;
        if (forces) {
            durable = point(next.seq, position);
        }
        checkpoint();
        flush();
        LOG.debug("rolled to {}", next.path);
    }

    /**
     * Writes every group's identity, metadata and compaction point into the active segment, so no older
     * segment is needed for them: once a force covers these records, older segments may be deleted.
     */
    private void checkpoint() throws IOException {
        for (GroupState g : groups.values()) {
            emit(g.tag, Frame.IDENTITY, null, 0, 0, g.identityPayload);
            if (g.metadata != null) {
                emit(g.tag, Frame.METADATA, null, 0, 0, g.metadata);
            }
            if (g.compactedTo > 0) {
                emit(g.tag, Frame.COMPACT, null, g.compactedTo, 0, EMPTY);
            }
        }
    }

    /** Buffers one frame (writing through the buffer when full); returns its offset in the segment. */
    private int emit(int group, byte type, EntryKind kind, long index, long era, byte[] payload) throws IOException {
        int bytes = Frame.bytes(payload.length);
        if (bytes > buffer.remaining()) {
            flush();
        }
        long at = position + buffer.position();
        if (bytes > buffer.capacity()) {
            ByteBuffer large = ByteBuffer.allocate(bytes);
            Frame.put(large, crc, group, type, kind, index, era, payload);
            FileIo.writeFully(active.channel, large.flip(), position);
            position += bytes;
        } else {
            Frame.put(buffer, crc, group, type, kind, index, era, payload);
        }
        return (int) at;
    }

    private void flush() throws IOException {
        buffer.flip();
        int bytes = buffer.remaining();
        FileIo.writeFully(active.channel, buffer, position);
        position += bytes;
        buffer.clear();
        allocatedEnd = Math.max(allocatedEnd, position);
        if (preallocator != null && !preallocating && !preallocationStopped && allocatedEnd - position < preallocateBytes / 2
                && allocatedEnd < segmentBytes) {
            preallocating = true;
            preallocator.execute(this::preallocate);
        }
    }

    /**
     * On the preallocation thread: zero-fills the active segment up to {@link #preallocateBytes} past the
     * end (never past the segment size), a piece at a time under the lock so that no record is written
     * meanwhile where a piece lands, then forces the zeros, so later syncs of records written over them
     * find the blocks allocated and the file's size already durable.
     */
    private void preallocate() {
        Segment segment;
        try {
            while (true) {
                synchronized (lock) {
                    segment = active;
                    long target = Math.min(segmentBytes, position + preallocateBytes);
                    if (closed || failure != null || full || allocatedEnd >= target) {
                        preallocating = false;
                        break;
                    }
                    long at = Math.max(allocatedEnd, position);
                    ByteBuffer piece = ZEROS.duplicate();
                    piece.limit((int) Math.min(piece.capacity(), target - at));
                    FileIo.writeFully(segment.channel, piece, at);
                    allocatedEnd = at + piece.limit();
                }
            }
            // fsync here, though nothing is acknowledged on it: the zeros' blocks and the file's new size
            // become durable now, off the path of the syncs that acknowledge records.
            segment.channel.force(false);
        } catch (ClosedChannelException e) {
            // The segment rolled away and was deleted meanwhile: nothing of it left to force.
        } catch (NoSpaceException e) {
            // Zeros past the end are harmless, and records get the space that is left.
            LOG.debug("{}: no space to preallocate", dir, e);
            synchronized (lock) {
                preallocating = false;
            }
        } catch (IOException e) {
            synchronized (lock) {
                preallocating = false;
                if (!closed) {
                    // A failed force may have dropped records' dirty pages too (fsyncgate): poisoned.
                    fail("preallocating " + dir, e);
                }
            }
        }
    }

    private void checkWritable() {
        if (closed) {
            throw new StorageException("the storage in " + dir + " is closed");
        }
        StorageException failed = failure;
        if (failed != null) {
            throw new StorageException("the storage in " + dir + " failed earlier and accepts no more writes or"
                    + " syncs: " + failed.getMessage(), failed);
        }
    }

    /**
     * A mutation failed. Any error but a full file system poisons the log. A full one is survivable:
     * the mutation is undone and the caller told, and every earlier write stays as it was, to become
     * durable with the next sync. Safe because nothing can depend on the undone bytes: a sync covers
     * only what was written before it took the lock this mutation holds, so no acknowledgement, vote
     * or SYNCED marker vouches for them; and the undo is forced before this returns, so those bytes
     * cannot reappear after a crash under records written later at the same offsets.
     */
    private StorageException writeFailed(IOException e) {
        buffer.clear();
        Path file = active.path;
        if (!(e instanceof NoSpaceException)) {
            return fail("writing " + file, e);
        }
        try {
            rollBack();
        } catch (IOException undo) {
            undo.addSuppressed(e);
            return fail("undoing a write to " + file + " that found no space", undo);
        }
        String free;
        try {
            free = Long.toString(io.usableSpace(dir));
        } catch (IOException unknown) {
            free = "unknown";
        }
        StorageFullException failed = new StorageFullException("no space left on device while appending to " + file
                + "; " + free + " bytes free. The write was undone and the log stays usable: writes succeed again"
                + " once space is freed", e);
        if (!full) {
            full = true;
            LOG.warn(failed.getMessage());
        }
        return failed;
    }

    /**
     * Undoes the mutation in progress: drops the segment it rolled to, if any (the previous one was
     * forced whole before that was created), and cuts the file back to where the mutation started. No
     * index slot points past that point yet, because indexes change only once a mutation's writes
     * succeeded; so no live count refers to a dropped segment, whose number the next roll reuses.
     */
    private void rollBack() throws IOException {
        if (active != startSegment) {
            Segment dropped = active;
            segments.remove(dropped);
            dropped.channel.close();
            io.delete(dropped.path);
            if (forces) {
                io.forceDirectory(dir);
            }
            active = startSegment;
        }
        active.channel.truncate(startPosition);
        allocatedEnd = startPosition;
        if (forces) {
            // fsync here: makes the undo durable (a new force, never a retry of a failed one).
            active.channel.force(false);
        }
        position = startPosition;
        markedOffset = startMarkedOffset;
        durable = startDurable;
    }

    private StorageException fail(String what, IOException e) {
        StorageException failed = new StorageException(what + " failed: " + e + "; the storage is now unusable and"
                + " nothing written since the last successful sync may be assumed durable", e);
        if (failure == null) {
            failure = failed;
            LOG.error(failed.getMessage(), e);
        }
        return failed;
    }

    private static long point(int seq, long offset) {
        return (long) seq << 32 | offset;
    }

    private static String describe(GroupIdentity id) {
        return "cluster '" + id.clusterId() + "', protocol '" + id.protocol() + "', member '" + id.memberId() + "'";
    }
}
