package io.consensus.core.runtime;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The runtime's payload of a {@code COMMANDS} entry: many commands from one member, each with what
 * makes it exactly-once, and the proposer's clock, from which dedup entries expire deterministically
 * (every member reads the same time from the log).
 *
 * <p>A command the application gave a request id carries that key. Any other command gets a
 * sequence number in its member's <em>session</em> (member and incarnation); the batch also carries
 * the session's {@code floor}: every command of the session below it has finished at the origin
 * (applied, or reported as timed out) and will never be re-sent, so the dedup table can forget it.
 * That keeps the table at about the number of commands in flight, however high the throughput.
 *
 * @param proposedAtMillis the proposing member's clock when the batch was built
 * @param session          the origin's session, or "" when no command of the batch has a sequence number
 * @param floor            the lowest sequence number of the session still in flight at the origin
 * @param commands         the commands, in submission order
 */
record CommandBatch(long proposedAtMillis, String session, long floor, List<Command> commands) {

    /** Version 1 had no sessions: every command carried a string key. Still read, never written. */
    private static final int VERSION_KEYS_ONLY = 1;
    private static final int VERSION = 2;
    private static final byte KEYED = 0;
    private static final byte SEQUENCED = 1;

    /**
     * One command and its exactly-once identity: a request key given by the application
     * ({@code sequence == 0}), or a sequence number in the batch's session.
     */
    record Command(String requestKey, long sequence, byte[] bytes) {

        static Command keyed(String requestKey, byte[] bytes) {
            return new Command(requestKey, 0, bytes);
        }

        /** A sequenced command; {@code requestKey} is {@link #sessionKey} of its session and sequence. */
        static Command sequenced(String session, long sequence, byte[] bytes) {
            return new Command(sessionKey(session, sequence), sequence, bytes);
        }

        boolean isSequenced() {
            return sequence != 0;
        }
    }

    /** The key under which a sequenced command's caller waits for its result. */
    static String sessionKey(String session, long sequence) {
        return session + ":" + sequence;
    }

    byte[] encode() {
        byte[] sessionBytes = session.getBytes(StandardCharsets.UTF_8);
        int size = 1 + 8 + 2 + sessionBytes.length + 8 + 4;
        for (Command command : commands) {
            size += 1 + 4 + command.bytes.length + (command.isSequenced() ? 8 : 2 + command.requestKey.length() * 3);
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        out.put((byte) VERSION).putLong(proposedAtMillis);
        putString(out, sessionBytes);
        out.putLong(floor).putInt(commands.size());
        for (Command command : commands) {
            if (command.isSequenced()) {
                out.put(SEQUENCED).putLong(command.sequence);
            } else {
                out.put(KEYED);
                putString(out, command.requestKey.getBytes(StandardCharsets.UTF_8));
            }
            out.putInt(command.bytes.length).put(command.bytes);
        }
        // Sized for the worst case of key encoding; trim to what was written.
        return out.position() == size ? out.array() : java.util.Arrays.copyOf(out.array(), out.position());
    }

    private static void putString(ByteBuffer out, byte[] utf8) {
        if (utf8.length > 0xFFFF) {
            throw new IllegalArgumentException("request key longer than 65535 bytes");
        }
        out.putShort((short) utf8.length).put(utf8);
    }

    /**
     * @throws IllegalArgumentException if {@code payload} is not a batch of a known format
     */
    static CommandBatch decode(byte[] payload) {
        ByteBuffer in = ByteBuffer.wrap(payload);
        try {
            int version = in.get() & 0xFF;
            if (version != VERSION && version != VERSION_KEYS_ONLY) {
                throw new IllegalArgumentException("command batch version " + version + " is not supported");
            }
            long proposedAt = in.getLong();
            String session = version == VERSION ? getString(in) : "";
            long floor = version == VERSION ? in.getLong() : 0;
            int count = in.getInt();
            if (count < 0 || count > payload.length) {
                throw new IllegalArgumentException("command batch count " + count + " is out of range");
            }
            List<Command> commands = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                boolean sequenced = version == VERSION && in.get() == SEQUENCED;
                long sequence = sequenced ? in.getLong() : 0;
                if (sequenced && sequence <= 0) {
                    throw new IllegalArgumentException("command sequence " + sequence + " is not positive");
                }
                String key = sequenced ? null : getString(in);
                int length = in.getInt();
                if (length < 0 || length > in.remaining()) {
                    throw new IllegalArgumentException("command length " + length + " exceeds the batch");
                }
                byte[] bytes = new byte[length];
                in.get(bytes);
                commands.add(sequenced ? Command.sequenced(session, sequence, bytes) : Command.keyed(key, bytes));
            }
            return new CommandBatch(proposedAt, session, floor, commands);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("malformed command batch: it ends early", e);
        }
    }

    /** Version 1 wrote keys with {@code DataOutput.writeUTF}: the same length prefix, modified UTF-8. */
    private static String getString(ByteBuffer in) {
        int length = in.getShort() & 0xFFFF;
        if (length > in.remaining()) {
            throw new IllegalArgumentException("string of " + length + " bytes exceeds the batch");
        }
        String value = new String(in.array(), in.arrayOffset() + in.position(), length, StandardCharsets.UTF_8);
        in.position(in.position() + length);
        return value;
    }
}
