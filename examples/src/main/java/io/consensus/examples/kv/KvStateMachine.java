package io.consensus.examples.kv;

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
import java.util.Map;
import java.util.TreeMap;

/**
 * A replicated map of strings: the state machine behind the example server. Commands are put,
 * delete and compare-and-set; queries read one key. Deterministic: a {@link TreeMap}, so snapshots
 * are byte-identical on every member.
 */
public final class KvStateMachine implements StateMachine {

    private static final byte PUT = 1;
    private static final byte DELETE = 2;
    private static final byte CAS = 3;
    private static final byte[] OK = "ok".getBytes(StandardCharsets.UTF_8);
    private static final byte[] SWAPPED = "true".getBytes(StandardCharsets.UTF_8);
    private static final byte[] NOT_SWAPPED = "false".getBytes(StandardCharsets.UTF_8);

    private static final int MAX_STRING_BYTES = 64 << 20;

    private final TreeMap<String, String> values = new TreeMap<>();

    /** A command that sets {@code key} to {@code value}. */
    public static byte[] put(String key, String value) {
        return encode(PUT, key, null, value);
    }

    /** A command that removes {@code key}. */
    public static byte[] delete(String key) {
        return encode(DELETE, key, null, null);
    }

    /** A command that sets {@code key} to {@code value} only if it currently holds {@code expected}. */
    public static byte[] compareAndSet(String key, String expected, String value) {
        return encode(CAS, key, expected, value);
    }

    /** Whether a compare-and-set result means it swapped. */
    public static boolean swapped(byte[] result) {
        return result.length == SWAPPED.length && new String(result, StandardCharsets.UTF_8).equals("true");
    }

    /** A query for one key. */
    public static byte[] get(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    /** Decodes a query result: the value, or null if the key is absent. */
    public static String value(byte[] result) {
        return result.length == 0 ? null : new String(result, 1, result.length - 1, StandardCharsets.UTF_8);
    }

    private static byte[] encode(byte op, String key, String expected, String value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(op);
            writeString(out, key);
            if (op == CAS) {
                writeString(out, expected);
            }
            if (op != DELETE) {
                writeString(out, value);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    @Override
    public byte[] apply(long index, byte[] command) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(command));
        byte op = in.readByte();
        String key = readString(in);
        switch (op) {
            case PUT -> values.put(key, readString(in));
            case DELETE -> values.remove(key);
            case CAS -> {
                String expected = readString(in);
                String value = readString(in);
                if (!expected.equals(values.get(key))) {
                    return NOT_SWAPPED;
                }
                values.put(key, value);
                return SWAPPED;
            }
            default -> throw new IllegalArgumentException("unknown operation " + op);
        }
        return OK;
    }

    @Override
    public byte[] query(byte[] query) {
        String value = values.get(new String(query, StandardCharsets.UTF_8));
        if (value == null) {
            return new byte[0];
        }
        byte[] text = value.getBytes(StandardCharsets.UTF_8);
        byte[] result = new byte[text.length + 1];
        result[0] = 1; // present, so an empty value differs from an absent key
        System.arraycopy(text, 0, result, 1, text.length);
        return result;
    }

    @Override
    public void snapshot(OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        data.writeInt(values.size());
        for (Map.Entry<String, String> entry : values.entrySet()) {
            writeString(data, entry.getKey());
            writeString(data, entry.getValue());
        }
        data.flush();
    }

    @Override
    public void restore(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        values.clear();
        int size = data.readInt();
        for (int i = 0; i < size; i++) {
            values.put(readString(data), readString(data));
        }
    }

    // Length-prefixed UTF-8, so values may exceed writeUTF's 64 KiB limit.
    private static void writeString(DataOutputStream out, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static String readString(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > MAX_STRING_BYTES) {
            throw new IOException("string length " + length + " is out of range");
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
