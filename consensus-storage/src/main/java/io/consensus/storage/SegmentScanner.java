package io.consensus.storage;

import io.consensus.api.spi.StorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Walks the records of one segment file in order, verifying every frame; shared by recovery and by
 * {@link Verify}. Reads through one window, so memory use does not depend on the segment's size.
 *
 * <p><b>Torn tail or corruption?</b> A segment that is not the last was forced completely before the
 * next one was created, so any bad frame in it is corruption. In the last segment, bytes written
 * after the last completed force may reach the disk partially and in any page order, so a bad frame
 * may be followed by valid ones and still be nothing but an unacknowledged torn write. What tells the
 * two apart is a SYNCED marker: the log writes one (carrying the offset up to which a completed force
 * made the segment durable) at the start of the first batch after each force, and at close. A bad
 * frame below the offset any later marker vouches for was durable, so it is corruption and open fails;
 * otherwise it is a torn tail and recovery truncates it.
 *
 * <p><b>Zeros.</b> The log keeps the newest segment zero-filled ahead of its end (preallocation), so
 * there the records end where a record length of zero starts a run of zeros to the end of the file:
 * space never written, neither torn nor corrupt. A zero length followed by anything else is judged as
 * any bad frame. Older segments were cut to their records before their successor was created, so a
 * zero in them is corruption like any bad frame.
 */
final class SegmentScanner {

    /** Receives each valid record, in file order. */
    interface Sink {
        /**
         * @param frame      the buffer holding the record
         * @param at         where the record starts in {@code frame}
         * @param offset     where it starts in the segment
         * @param frameBytes its size
         */
        void record(byte[] frame, int at, long offset, int frameBytes);
    }

    /**
     * What a scan found.
     *
     * @param end         where the valid records end
     * @param tornProblem why the bytes at {@code end} are not a record (a torn tail), or null if the
     *                    segment ends there
     */
    record Result(long end, String tornProblem) {}

    private static final int WINDOW_BYTES = 1 << 20;

    private final FileChannel channel;
    private final Path file;
    private final long size;
    private final CRC32C crc = new CRC32C();
    private byte[] window = new byte[WINDOW_BYTES];
    private long windowStart;
    private int windowLength;

    private SegmentScanner(FileChannel channel, Path file) throws IOException {
        this.channel = channel;
        this.file = file;
        this.size = channel.size();
    }

    /**
     * Scans from {@code start} (the end of the header) to the end of the file.
     *
     * @param last whether this is the newest segment, the only one that may have a torn tail
     * @throws StorageException naming file, offset and problem for a bad frame that is corruption
     */
    static Result scan(FileChannel channel, Path file, long start, boolean last, Sink sink) throws IOException {
        return new SegmentScanner(channel, file).scan(start, last, sink);
    }

    private Result scan(long start, boolean last, Sink sink) throws IOException {
        long pos = start;
        while (pos < size) {
            long available = size - pos;
            String problem;
            if (available < Frame.HEADER_BYTES) {
                problem = "incomplete record: only " + available + " bytes before the end of the file";
            } else {
                int at = load(pos, Frame.HEADER_BYTES);
                int length = Frame.length(window, at);
                if (length == 0 && last && zerosFrom(pos)) {
                    return new Result(pos, null); // preallocated space: the records end here
                }
                if (length < Frame.MIN_LENGTH) {
                    problem = "invalid record length " + length;
                } else if (8L + length > available) {
                    problem = "record of " + (8L + length) + " bytes runs past the end of the file (" + available
                            + " bytes left)";
                } else {
                    at = load(pos, 8 + length);
                    problem = Frame.problem(window, at, crc);
                    if (problem == null) {
                        sink.record(window, at, pos, 8 + length);
                        pos += 8 + length;
                        continue;
                    }
                }
            }
            return badFrame(pos, problem, last);
        }
        return new Result(pos, null);
    }

    private Result badFrame(long pos, String problem, boolean last) throws IOException {
        if (!last) {
            throw new StorageException(file + " offset " + pos + ": " + problem
                    + "; this segment is not the newest, so it was forced completely and this is corruption");
        }
        long durable = durableOffsetAfter(pos + 1);
        if (durable > pos) {
            throw new StorageException(file + " offset " + pos + ": " + problem + "; a later sync marker shows the"
                    + " segment was forced up to offset " + durable + ", so this is corruption, not a torn write");
        }
        return new Result(pos, problem);
    }

    /** Whether every byte from {@code from} to the end of the file is zero. */
    private boolean zerosFrom(long from) throws IOException {
        for (long q = from; q < size; ) {
            int n = (int) Math.min(WINDOW_BYTES, size - q);
            int base = load(q, n);
            for (int i = base; i < base + n; i++) {
                if (window[i] != 0) {
                    return false;
                }
            }
            q += n;
        }
        return true;
    }

    /** The highest durable offset any valid SYNCED marker at or after {@code from} vouches for; 0 if none. */
    private long durableOffsetAfter(long from) throws IOException {
        long best = 0;
        long q = from;
        while (size - q >= Frame.HEADER_BYTES) {
            int n = (int) Math.min(WINDOW_BYTES, size - q);
            int base = load(q, n);
            int candidates = n - Frame.HEADER_BYTES + 1;
            for (int i = base; i < base + candidates; i++) {
                if (Frame.length(window, i) == Frame.MIN_LENGTH && Frame.type(window, i) == Frame.SYNCED
                        && Frame.group(window, i) == 0 && Frame.problem(window, i, crc) == null) {
                    best = Math.max(best, Frame.index(window, i));
                }
            }
            q += candidates;
        }
        return best;
    }

    /** Makes file bytes {@code [pos, pos + need)} available in the window; returns where they start in it. */
    private int load(long pos, int need) throws IOException {
        if (pos >= windowStart && pos + need <= windowStart + windowLength) {
            return (int) (pos - windowStart);
        }
        int length = (int) Math.min(Math.max(need, WINDOW_BYTES), size - pos);
        if (length > window.length) {
            window = new byte[length];
        }
        FileIo.readFully(channel, ByteBuffer.wrap(window, 0, length), pos);
        windowStart = pos;
        windowLength = length;
        return 0;
    }
}
