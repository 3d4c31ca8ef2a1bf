package io.consensus.storage;

import io.consensus.api.spi.LogEntry;
import io.consensus.api.spi.StorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log's segments by sequence number, with how many index slots point into each, and the verified
 * reads of entries from them.
 *
 * <p>Added to and removed from under the log's lock (so are the live counts, through {@link Refs});
 * read lock-free by a group's reads, which only follow live index slots, into segments that are never
 * deleted while live.
 */
final class SegmentSet implements GroupIndex.Refs {

    private static final Logger LOG = LoggerFactory.getLogger(SegmentSet.class);
    private static final int MAX_READ_BYTES = 1 << 20;

    private final ConcurrentSkipListMap<Integer, Segment> bySeq = new ConcurrentSkipListMap<>();
    /** The segment counted last; only used under the log's lock, where nearly every count is the active one. */
    private Segment counted;

    void add(Segment segment) {
        bySeq.put(segment.seq, segment);
    }

    void remove(Segment segment) {
        bySeq.remove(segment.seq);
    }

    Segment last() {
        return bySeq.lastEntry().getValue();
    }

    Collection<Segment> all() {
        return bySeq.values();
    }

    @Override
    public void retain(int segment) {
        counted(segment).live++;
    }

    @Override
    public void release(int segment) {
        counted(segment).live--;
    }

    private Segment counted(int seq) {
        if (counted == null || counted.seq != seq) {
            counted = get(seq);
        }
        return counted;
    }

    /** The oldest segments before {@code seq} that no index points into: the ones that may be deleted. */
    List<Segment> deadBefore(int seq) {
        List<Segment> dead = new ArrayList<>();
        for (Segment s : bySeq.values()) {
            if (s.seq >= seq || s.live > 0) {
                break;
            }
            dead.add(s);
        }
        return dead;
    }

    /** Reads and verifies one entry of the group tagged {@code group}. */
    LogEntry read(int group, long index, GroupIndex.Location at) {
        Segment segment = get(at.segment());
        byte[] frame = new byte[at.length()];
        try {
            FileIo.readFully(segment.channel, ByteBuffer.wrap(frame), at.offset());
        } catch (IOException e) {
            throw new StorageException(segment.path + " offset " + at.offset() + ": reading entry " + index
                    + " failed: " + e, e);
        }
        return Frame.entry(frame, 0, at.length(), group, index, segment.path, at.offset());
    }

    /** Reads and verifies entries, with one read for each run of adjacent frames (up to 1 MiB). */
    List<LogEntry> read(int group, long[] indexes, GroupIndex.Location[] at, int count) {
        List<LogEntry> out = new ArrayList<>(count);
        int i = 0;
        while (i < count) {
            Segment segment = get(at[i].segment());
            long start = at[i].offset();
            long end = start + at[i].length();
            int j = i + 1;
            while (j < count && at[j].segment() == at[i].segment() && at[j].offset() == end
                    && end + at[j].length() - start <= MAX_READ_BYTES) {
                end += at[j].length();
                j++;
            }
            byte[] run = new byte[(int) (end - start)];
            try {
                FileIo.readFully(segment.channel, ByteBuffer.wrap(run), start);
            } catch (IOException e) {
                throw new StorageException(segment.path + " offset " + start + ": reading entries failed: " + e, e);
            }
            for (int k = i; k < j; k++) {
                int within = (int) (at[k].offset() - start);
                out.add(Frame.entry(run, within, at[k].length(), group, indexes[k], segment.path, at[k].offset()));
            }
            i = j;
        }
        return out;
    }

    /** Closes every segment's channel, logging rather than throwing. */
    void closeAll() {
        for (Segment s : bySeq.values()) {
            closeQuietly(s.channel);
        }
    }

    static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.debug("closing a channel failed", e);
            }
        }
    }

    private Segment get(int seq) {
        Segment segment = bySeq.get(seq);
        if (segment == null) {
            throw new StorageException(Segment.fileName(seq) + " is gone although an index points into it");
        }
        return segment;
    }
}
