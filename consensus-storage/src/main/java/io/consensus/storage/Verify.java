package io.consensus.storage;

import io.consensus.api.spi.GroupIdentity;
import io.consensus.api.spi.StorageException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Offline check of a data directory: verifies the header and every record's checksum in every log
 * segment and every snapshot's checksum, without changing anything, and prints a summary.
 *
 * <p>Usage: {@code java -cp ... io.consensus.storage.Verify <dataDir>}. Exit code 0 when intact (a torn
 * tail, which the next open truncates, is reported but is not corruption), 1 on corruption, 2 when
 * the directory cannot be read.
 */
public final class Verify {

    private static final String[] TYPES = {"?", "entry", "truncate", "compact", "metadata", "identity", "synced"};

    /** Per group: what its records say. */
    private static final class GroupSummary {
        GroupIdentity identity;
        final long[] recordsByType = new long[TYPES.length];
        long lowestEntry = Long.MAX_VALUE;
        long highestEntry;
        long compactedTo;
    }

    private final PrintStream out;
    private final Map<Integer, GroupSummary> groups = new TreeMap<>();
    private long records;

    private Verify(PrintStream out) {
        this.out = out;
    }

    /** Verifies the data directory {@code args[0]} and exits with 0 (intact), 1 (corrupt) or 2 (unreadable). */
    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: Verify <dataDir>");
            System.exit(2);
        }
        System.exit(run(Path.of(args[0]), System.out));
    }

    /** Verifies {@code dataDir}, printing to {@code out}; returns the exit code. */
    static int run(Path dataDir, PrintStream out) {
        Verify verify = new Verify(out);
        try {
            verify.log(dataDir.resolve("log"));
            verify.snapshots(dataDir.resolve("snapshots"));
            out.println("OK: " + dataDir + " is intact");
            return 0;
        } catch (StorageException e) {
            out.println("CORRUPT: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            out.println("ERROR: cannot read " + dataDir + ": " + e);
            return 2;
        }
    }

    private void log(Path dir) throws IOException {
        TreeMap<Integer, Path> segments = LogRecovery.listSegments(dir, null);
        LogRecovery.checkContiguous(dir, segments);
        String cluster = null;
        for (Map.Entry<Integer, Path> e : segments.entrySet()) {
            Path path = e.getValue();
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
                SegmentHeader header = SegmentHeader.read(channel, path);
                if (header.seq() != e.getKey() || (cluster != null && !cluster.equals(header.clusterId()))) {
                    throw new StorageException(path + ": header says segment " + header.seq() + " of cluster '"
                            + header.clusterId() + "'");
                }
                cluster = header.clusterId();
                long before = records;
                boolean last = e.getKey().equals(segments.lastKey());
                SegmentScanner.Result result = SegmentScanner.scan(channel, path, header.bytes(), last,
                        (frame, at, offset, bytes) -> record(path, frame, at, offset));
                out.printf("%s: %d records, %d bytes%n", path.getFileName(), records - before, result.end());
                if (result.tornProblem() != null) {
                    out.printf("WARN: %s offset %d: %s; a torn tail, never acknowledged, that the next open"
                            + " truncates%n", path, result.end(), result.tornProblem());
                }
            }
        }
        out.printf("log: cluster '%s', %d segments, %d records, %d groups%n", cluster, segments.size(), records,
                groups.size());
        for (GroupSummary g : groups.values()) {
            String indexes = g.highestEntry == 0 ? "none" : g.lowestEntry + ".." + g.highestEntry;
            out.printf("  group '%s' (%s, member %s): %d entry records, indexes %s, compacted to %d, %d truncations,"
                            + " %d metadata records%n", g.identity.groupId(), g.identity.protocol(),
                    g.identity.memberId(), g.recordsByType[Frame.ENTRY], indexes, g.compactedTo,
                    g.recordsByType[Frame.TRUNCATE], g.recordsByType[Frame.METADATA]);
        }
    }

    private void record(Path path, byte[] frame, int at, long offset) {
        records++;
        byte type = Frame.type(frame, at);
        if (type == Frame.SYNCED) {
            return;
        }
        int tag = Frame.group(frame, at);
        GroupSummary g = groups.get(tag);
        if (type == Frame.IDENTITY && g == null) {
            g = new GroupSummary();
            g.identity = Frame.identity(Frame.payload(frame, at));
            groups.put(tag, g);
        } else if (g == null) {
            throw new StorageException(path + " offset " + offset + ": a record of group tag " + tag
                    + " that no identity record introduced");
        }
        g.recordsByType[type]++;
        long index = Frame.index(frame, at);
        if (type == Frame.ENTRY) {
            g.lowestEntry = Math.min(g.lowestEntry, index);
            g.highestEntry = Math.max(g.highestEntry, index);
        } else if (type == Frame.COMPACT) {
            g.compactedTo = Math.max(g.compactedTo, index);
        }
    }

    private void snapshots(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return;
        }
        List<Path> dirs;
        try (Stream<Path> list = Files.list(root)) {
            dirs = list.filter(Files::isDirectory).sorted().toList();
        }
        for (Path dir : dirs) {
            for (Path path : FileSnapshotStore.list(dir).values()) {
                try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
                    SnapshotFile file = SnapshotFile.read(channel, path);
                    file.verifyData(channel, path);
                    out.printf("%s: snapshot of group '%s' at index %d (era %d), %d bytes%n", root.relativize(path),
                            file.groupId(), file.meta().index(), file.meta().era(), file.dataLength());
                }
            }
        }
    }
}
