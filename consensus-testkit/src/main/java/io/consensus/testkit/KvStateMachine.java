package io.consensus.testkit;

import io.consensus.api.StateMachine;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A deterministic key-value {@link StateMachine}: string keys and values, put, get and
 * compare-and-set. It is what the simulation's clients drive and what the linearizability checker
 * models, and a small example of a state machine for the library.
 *
 * <p>Encoding (all strings as {@link DataOutputStream#writeUTF}, a nullable string as a presence
 * byte followed by the string):
 * <ul>
 *   <li>command {@code PUT}: byte 1, key, nullable value (null deletes). Result {@code "ok"}.</li>
 *   <li>command {@code CAS}: byte 2, key, nullable expected, nullable new value. Result
 *       {@code "true"} if the current value equalled the expected one (null = absent) and the new
 *       value was written, else {@code "false"}.</li>
 *   <li>query {@code GET}: byte 3, key. Result: the key, then the nullable value (so a client can
 *       tell the answer to its own read from a misdelivered one).</li>
 * </ul>
 * Build them with {@link #put}, {@link #cas} and {@link #get}; read results with
 * {@link #text}, {@link #value} and {@link #key}. Called by one thread at a time, as the library
 * promises.
 */
public final class KvStateMachine implements StateMachine {

    static final byte PUT = 1;
    static final byte CAS = 2;
    static final byte GET = 3;
    private static final byte[] OK = "ok".getBytes(StandardCharsets.UTF_8);
    private static final byte[] TRUE = "true".getBytes(StandardCharsets.UTF_8);
    private static final byte[] FALSE = "false".getBytes(StandardCharsets.UTF_8);

    private final TreeMap<String, String> data = new TreeMap<>();

    /** A decoded command or query. {@code value} is null for GET and for a delete. */
    public record Command(byte op, String key, String expect, String value) {

        /** Whether this is a compare-and-set. */
        public boolean isCas() {
            return op == CAS;
        }

        /** Whether this is a put (or delete). */
        public boolean isPut() {
            return op == PUT;
        }
    }

    /** The command that writes {@code value} to {@code key}; a null value deletes the key. */
    public static byte[] put(String key, String value) {
        return encode(PUT, key, null, value);
    }

    /** The command that writes {@code value} if {@code key} holds {@code expect} (null = absent). */
    public static byte[] cas(String key, String expect, String value) {
        return encode(CAS, key, expect, value);
    }

    /** The query that reads {@code key}. */
    public static byte[] get(String key) {
        return encode(GET, key, null, null);
    }

    /** The text of a PUT or CAS result: {@code "ok"}, {@code "true"} or {@code "false"}. */
    public static String text(byte[] result) {
        return new String(result, StandardCharsets.UTF_8);
    }

    /** The value a GET returned, or null when the key was absent. */
    public static String value(byte[] getResult) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(getResult))) {
            in.readUTF();
            return readNullable(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed GET result: " + e.getMessage(), e);
        }
    }

    /** The key a GET result answers. */
    public static String key(byte[] getResult) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(getResult))) {
            return in.readUTF();
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed GET result: " + e.getMessage(), e);
        }
    }

    /**
     * Decodes a command or query.
     *
     * @throws IllegalArgumentException if the bytes are not one
     */
    public static Command decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte op = in.readByte();
            String key = in.readUTF();
            return switch (op) {
                case PUT -> new Command(op, key, null, readNullable(in));
                case CAS -> {
                    String expect = readNullable(in);
                    yield new Command(op, key, expect, readNullable(in));
                }
                case GET -> new Command(op, key, null, null);
                default -> throw new IllegalArgumentException("unknown key-value operation " + op);
            };
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed key-value command: " + e.getMessage(), e);
        }
    }

    @Override
    public byte[] apply(long index, byte[] command) {
        Command c = decode(command);
        if (c.op() == PUT) {
            write(c.key(), c.value());
            return OK.clone();
        }
        if (c.op() == CAS) {
            if (!Objects.equals(data.get(c.key()), c.expect())) {
                return FALSE.clone();
            }
            write(c.key(), c.value());
            return TRUE.clone();
        }
        throw new IllegalArgumentException("GET is a query, not a command");
    }

    @Override
    public byte[] query(byte[] query) {
        Command c = decode(query);
        if (c.op() != GET) {
            throw new IllegalArgumentException("only GET is a query");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(c.key());
            writeNullable(out, data.get(c.key()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    @Override
    public void snapshot(OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        data.writeInt(this.data.size());
        for (var entry : this.data.entrySet()) {
            data.writeUTF(entry.getKey());
            data.writeUTF(entry.getValue());
        }
        data.flush();
    }

    @Override
    public void restore(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        int size = data.readInt();
        this.data.clear();
        for (int i = 0; i < size; i++) {
            this.data.put(data.readUTF(), data.readUTF());
        }
    }

    /** A copy of the current contents, sorted by key. */
    public SortedMap<String, String> contents() {
        return Collections.unmodifiableSortedMap(new TreeMap<>(data));
    }

    private void write(String key, String value) {
        if (value == null) {
            data.remove(key);
        } else {
            data.put(key, value);
        }
    }

    private static byte[] encode(byte op, String key, String expect, String value) {
        Objects.requireNonNull(key, "key");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + key.length()
                + (expect == null ? 0 : expect.length()) + (value == null ? 0 : value.length()));
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(op);
            out.writeUTF(key);
            if (op == CAS) {
                writeNullable(out, expect);
            }
            if (op != GET) {
                writeNullable(out, value);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void writeNullable(DataOutputStream out, String text) throws IOException {
        out.writeBoolean(text != null);
        if (text != null) {
            out.writeUTF(text);
        }
    }

    private static String readNullable(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }
}
