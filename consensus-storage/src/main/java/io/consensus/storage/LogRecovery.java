package io.consensus.storage;

import io.consensus.api.spi.GroupIdentity;
import io.consensus.api.spi.StorageException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the in-memory state of the shared log from its segments at open: replays every record in
 * write order (so the latest record for an index wins), truncates a torn tail of the newest segment
 * and refuses to open on corruption or a missing segment.
 */
final class LogRecovery {

    private static final Logger LOG = LoggerFactory.getLogger(LogRecovery.class);

    /**
     * The recovered log.
     *
     * @param segments every segment; the last is the one to append to
     * @param groups   every group's state, by tag
     * @param end      where the next record goes in the last segment
     * @param repairs  what recovery changed (each also logged at WARN)
     */
    record Recovered(SegmentSet segments, TreeMap<Integer, GroupState> groups, long end, List<String> repairs) {}

    private final SegmentSet segments = new SegmentSet();
    private final TreeMap<Integer, GroupState> groups = new TreeMap<>();

    private LogRecovery() {}

    /**
     * Opens every segment in {@code dir}, creating the first one for a new log.
     *
     * @throws StorageException naming file, offset and problem on corruption, a missing segment, a
     *                          segment of another cluster or format version
     */
    static Recovered recover(Path dir, String clusterId, FileIo io, boolean forces) throws IOException {
        return new LogRecovery().run(dir, clusterId, io, forces);
    }

    /** The segment files in {@code dir} by sequence number; deletes leftover temporary files. */
    static TreeMap<Integer, Path> listSegments(Path dir, FileIo io) throws IOException {
        TreeMap<Integer, Path> found = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.sorted().toList();
        }
        for (Path file : files) {
            String name = file.getFileName().toString();
            if (io != null && name.endsWith(".wal.tmp")) {
                LOG.info("deleting {}: a segment whose creation did not finish", file);
                io.delete(file);
            } else if (Segment.parseSeq(name) >= 0) {
                found.put(Segment.parseSeq(name), file);
            }
        }
        return found;
    }

    /** Fails unless the sequence numbers are consecutive. */
    static void checkContiguous(Path dir, TreeMap<Integer, Path> found) {
        int expected = found.isEmpty() ? 0 : found.firstKey();
        for (int seq : found.keySet()) {
            if (seq != expected) {
                throw new StorageException(dir.resolve(Segment.fileName(expected)) + " is missing: segments "
                        + found.firstKey() + " to " + found.lastKey() + " must be consecutive, and a missing one"
                        + " may hold acknowledged entries; restore it from a backup or rebuild this member");
            }
            expected++;
        }
    }

    private Recovered run(Path dir, String clusterId, FileIo io, boolean forces) throws IOException {
        TreeMap<Integer, Path> found = listSegments(dir, io);
        checkContiguous(dir, found);
        List<String> repairs = new ArrayList<>();
        if (found.isEmpty()) {
            Segment first = Segment.create(io, dir, 1, clusterId, forces);
            segments.add(first);
            return new Recovered(segments, groups, first.dataStart, repairs);
        }
        try {
            long end = replay(found, clusterId, io, repairs);
            if (forces) {
                // fsync here: after a process crash the tail may exist only in the page cache; it must be
                // durable (and a truncation made above too) before new SYNCED markers vouch for it.
                segments.last().channel.force(true);
            }
            return new Recovered(segments, groups, end, repairs);
        } catch (IOException | RuntimeException e) {
            segments.closeAll();
            throw e;
        }
    }

    /** Opens and replays every segment; returns where the valid records of the last one end. */
    private long replay(TreeMap<Integer, Path> found, String clusterId, FileIo io, List<String> repairs)
            throws IOException {
        for (Map.Entry<Integer, Path> e : found.entrySet()) {
            segments.add(open(io, e.getValue(), e.getKey(), clusterId));
        }
        long end = 0;
        for (Segment segment : segments.all()) {
            boolean last = segment == segments.last();
            SegmentScanner.Result result = SegmentScanner.scan(segment.channel, segment.path, segment.dataStart, last,
                    (frame, at, offset, frameBytes) -> apply(segment, frame, at, offset, frameBytes));
            end = result.end();
            if (result.tornProblem() != null) {
                long dropped = segment.channel.size() - end;
                String repair = segment.path + " offset " + end + ": " + result.tornProblem() + "; a torn write at"
                        + " the tail that was never acknowledged, truncated (" + dropped + " bytes dropped)";
                LOG.warn(repair);
                repairs.add(repair);
                segment.channel.truncate(end);
            }
        }
        return end;
    }

    private static Segment open(FileIo io, Path path, int seq, String clusterId) throws IOException {
        FileChannel channel = io.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            SegmentHeader header = SegmentHeader.read(channel, path);
            if (header.seq() != seq) {
                throw new StorageException(path + " offset 8: header says segment " + header.seq()
                        + "; a segment file was renamed or copied");
            }
            if (!header.clusterId().equals(clusterId)) {
                throw new StorageException(path + ": belongs to cluster '" + header.clusterId() + "', not '" + clusterId
                        + "'; this data directory is another cluster's");
            }
            return new Segment(seq, path, channel, header.bytes());
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private void apply(Segment segment, byte[] frame, int at, long offset, int frameBytes) {
        int tag = Frame.group(frame, at);
        byte type = Frame.type(frame, at);
        if (type == Frame.SYNCED) {
            return;
        }
        if (type == Frame.IDENTITY) {
            GroupIdentity identity;
            try {
                identity = Frame.identity(Frame.payload(frame, at));
            } catch (RuntimeException e) {
                throw corrupt(segment, offset, "unreadable identity record of group tag " + tag + ": " + e);
            }
            GroupState known = groups.get(tag);
            if (known == null) {
                groups.put(tag, new GroupState(tag, identity, segments));
            } else if (!known.identity.equals(identity)) {
                throw corrupt(segment, offset, "group tag " + tag + " is " + identity + " here but " + known.identity
                        + " earlier");
            }
            return;
        }
        GroupState group = groups.get(tag);
        if (group == null) {
            throw corrupt(segment, offset, "a record of group tag " + tag + " that no identity record introduced");
        }
        long index = Frame.index(frame, at);
        switch (type) {
            case Frame.ENTRY -> {
                if (index <= group.compactedTo) {
                    throw corrupt(segment, offset, "entry " + index + " of group " + group.identity.groupId()
                            + " is at or below its compaction point " + group.compactedTo);
                }
                group.index.put(index, segment.seq, (int) offset, frameBytes);
            }
            case Frame.TRUNCATE -> group.index.removeFrom(index);
            case Frame.COMPACT -> group.compact(index);
            case Frame.METADATA -> group.metadata = Frame.payload(frame, at);
            default -> throw corrupt(segment, offset, "unexpected record type " + type);
        }
    }

    private static StorageException corrupt(Segment segment, long offset, String problem) {
        return new StorageException(segment.path + " offset " + offset + ": " + problem);
    }
}
