package io.consensus.core.runtime;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The runtime's payload of a {@code COMMANDS} entry: many commands, each with the request key that
 * makes it exactly-once, and the proposer's clock, from which dedup entries expire deterministically
 * (every member reads the same time from the log).
 *
 * @param proposedAtMillis the proposing member's clock when the batch was built
 * @param commands         the commands, in submission order
 */
record CommandBatch(long proposedAtMillis, List<Command> commands) {

    private static final int VERSION = 1;

    /** One command and its exactly-once key. */
    record Command(String requestKey, byte[] bytes) {}

    byte[] encode() {
        int size = 16;
        for (Command command : commands) {
            size += command.bytes.length + command.requestKey.length() + 8;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(size);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeLong(proposedAtMillis);
            out.writeInt(commands.size());
            for (Command command : commands) {
                out.writeUTF(command.requestKey);
                out.writeInt(command.bytes.length);
                out.write(command.bytes);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * @throws IllegalArgumentException if {@code payload} is not a batch of this format
     */
    static CommandBatch decode(byte[] payload) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new IllegalArgumentException("command batch version " + version + " is not supported");
            }
            long proposedAt = in.readLong();
            int count = in.readInt();
            if (count < 0 || count > payload.length) {
                throw new IllegalArgumentException("command batch count " + count + " is out of range");
            }
            List<Command> commands = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                String key = in.readUTF();
                int length = in.readInt();
                if (length < 0 || length > in.available()) {
                    throw new IllegalArgumentException("command length " + length + " exceeds the batch");
                }
                byte[] bytes = new byte[length];
                in.readFully(bytes);
                commands.add(new Command(key, bytes));
            }
            return new CommandBatch(proposedAt, commands);
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed command batch: " + e.getMessage(), e);
        }
    }
}
