package io.consensus.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One segment file of the shared log: {@code segment-<seq>.wal}, a header followed by records. */
final class Segment {

    private static final Pattern NAME = Pattern.compile("segment-(\\d{10})\\.wal");

    final int seq;
    final Path path;
    final FileChannel channel;
    /** Where records start: the end of the header. */
    final int dataStart;
    /** Index slots of any group that point into this segment; guarded by the log's lock. */
    int live;

    Segment(int seq, Path path, FileChannel channel, int dataStart) {
        this.seq = seq;
        this.path = path;
        this.channel = channel;
        this.dataStart = dataStart;
    }

    static String fileName(int seq) {
        return String.format("segment-%010d.wal", seq);
    }

    /** The sequence number in a segment file's name, or -1 if it is not one. */
    static int parseSeq(String fileName) {
        Matcher m = NAME.matcher(fileName);
        return m.matches() ? Integer.parseInt(m.group(1)) : -1;
    }

    /**
     * Creates segment {@code seq} with its header. The header is written to a temporary file and
     * forced, then renamed into place and the directory forced (when {@code forces}), so every file
     * named like a segment has a durable, valid header: a bad header is always corruption.
     *
     * @throws NoSpaceException if the header found no space; nothing is left behind
     */
    static Segment create(FileIo io, Path dir, int seq, String clusterId, boolean forces) throws IOException {
        Path path = dir.resolve(fileName(seq));
        Path tmp = dir.resolve(fileName(seq) + ".tmp");
        SegmentHeader header = new SegmentHeader(seq, clusterId);
        try (FileChannel channel = io.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            FileIo.writeFully(channel, header.encode(), 0);
            if (forces) {
                channel.force(true);
            }
        } catch (NoSpaceException e) {
            io.delete(tmp); // leaves the log as it was, so the caller may go on once space is freed
            throw e;
        }
        io.move(tmp, path);
        if (forces) {
            io.forceDirectory(dir);
        }
        return new Segment(seq, path, io.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE), header.bytes());
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
