package io.consensus.storage;

import io.consensus.api.spi.EntryKind;
import io.consensus.api.spi.GroupIdentity;
import io.consensus.api.spi.LogEntry;
import io.consensus.api.spi.StorageException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The layout of one write-ahead-log record, and its encoding. All numbers are big-endian.
 *
 * <pre>
 *  0  int   length   bytes after the checksum field: 22 + payload length
 *  4  int   crc32c   of bytes 8 .. 8 + length
 *  8  int   group    the group's tag, assigned by its IDENTITY record; 0 for node-level records
 * 12  byte  type     ENTRY, TRUNCATE, COMPACT, METADATA, IDENTITY or SYNCED
 * 13  byte  kind     the EntryKind of an ENTRY (1..4), else 0
 * 14  long  index    ENTRY: its index; TRUNCATE: first index removed; COMPACT: last index removed;
 *                    SYNCED: the segment offset up to which a completed force made the segment durable
 * 22  long  era      ENTRY: its era, else 0
 * 30  ...   payload  ENTRY: the entry's bytes; METADATA: the metadata; IDENTITY: the group identity
 * </pre>
 */
final class Frame {

    static final int HEADER_BYTES = 30;
    /** The length field of a frame with an empty payload. */
    static final int MIN_LENGTH = HEADER_BYTES - 8;

    static final byte ENTRY = 1;
    static final byte TRUNCATE = 2;
    static final byte COMPACT = 3;
    static final byte METADATA = 4;
    static final byte IDENTITY = 5;
    static final byte SYNCED = 6;

    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private Frame() {}

    /** The bytes a frame with this payload occupies in a segment. */
    static int bytes(int payloadLength) {
        return HEADER_BYTES + payloadLength;
    }

    /** Appends one frame to {@code buf}, which must have room for it. */
    static void put(ByteBuffer buf, CRC32C crc, int group, byte type, EntryKind kind, long index, long era,
                    byte[] payload) {
        int start = buf.position();
        buf.putInt(MIN_LENGTH + payload.length).putInt(0).putInt(group).put(type).put(kindCode(kind))
                .putLong(index).putLong(era).put(payload);
        int end = buf.position();
        int limit = buf.limit();
        crc.reset();
        buf.limit(end).position(start + 8);
        crc.update(buf);
        buf.limit(limit).position(end);
        buf.putInt(start + 4, (int) crc.getValue());
    }

    static int length(byte[] b, int p) {
        return (int) INT.get(b, p);
    }

    static int group(byte[] b, int p) {
        return (int) INT.get(b, p + 8);
    }

    static byte type(byte[] b, int p) {
        return b[p + 12];
    }

    static long index(byte[] b, int p) {
        return (long) LONG.get(b, p + 14);
    }

    static long era(byte[] b, int p) {
        return (long) LONG.get(b, p + 22);
    }

    static byte[] payload(byte[] b, int p) {
        return Arrays.copyOfRange(b, p + HEADER_BYTES, p + 8 + length(b, p));
    }

    /**
     * Why the complete frame at {@code b[p ..]} (whose length field has been bounds-checked) is not a
     * valid record, or null if it is one.
     */
    static String problem(byte[] b, int p, CRC32C crc) {
        int length = length(b, p);
        crc.reset();
        crc.update(b, p + 8, length);
        int computed = (int) crc.getValue();
        int stored = (int) INT.get(b, p + 4);
        if (computed != stored) {
            return String.format("checksum mismatch (stored %08x, computed %08x)", stored, computed);
        }
        byte type = type(b, p);
        if (type < ENTRY || type > SYNCED) {
            return "unknown record type " + type;
        }
        if (type == ENTRY && kind(b[p + 13]) == null) {
            return "unknown entry kind " + b[p + 13];
        }
        return null;
    }

    /**
     * Decodes the frame read for entry {@code index} of group {@code group}, verifying its checksum
     * and that it is the record the index pointed at.
     *
     * @throws StorageException naming the file and offset when it is not
     */
    static LogEntry entry(byte[] b, int p, int frameBytes, int group, long index, Path file, long offset) {
        String problem = length(b, p) != frameBytes - 8 ? "record length " + length(b, p) + ", expected "
                + (frameBytes - 8) : problem(b, p, new CRC32C());
        if (problem == null && (group(b, p) != group || type(b, p) != ENTRY || index(b, p) != index)) {
            problem = "holds a type " + type(b, p) + " record of group tag " + group(b, p) + " index "
                    + index(b, p) + ", expected the entry " + index + " of group tag " + group;
        }
        if (problem != null) {
            throw new StorageException(file + " offset " + offset + ": " + problem
                    + " reading entry " + index);
        }
        return new LogEntry(index, era(b, p), kind(b[p + 13]), payload(b, p));
    }

    static byte kindCode(EntryKind kind) {
        if (kind == null) {
            return 0;
        }
        return switch (kind) {
            case COMMANDS -> 1;
            case NOOP -> 2;
            case CONFIG -> 3;
            case PROTOCOL -> 4;
        };
    }

    /** The kind a code stands for, or null for an unknown code. */
    static EntryKind kind(byte code) {
        return switch (code) {
            case 1 -> EntryKind.COMMANDS;
            case 2 -> EntryKind.NOOP;
            case 3 -> EntryKind.CONFIG;
            case 4 -> EntryKind.PROTOCOL;
            default -> null;
        };
    }

    /** Encodes an identity as the payload of an IDENTITY record: four length-prefixed UTF-8 strings. */
    static byte[] identityPayload(GroupIdentity identity) {
        byte[][] fields = {utf8(identity.clusterId()), utf8(identity.groupId()), utf8(identity.protocol()),
                utf8(identity.memberId())};
        int size = 0;
        for (byte[] field : fields) {
            size += 2 + field.length;
        }
        ByteBuffer buf = ByteBuffer.allocate(size);
        for (byte[] field : fields) {
            buf.putShort((short) field.length).put(field);
        }
        return buf.array();
    }

    private static byte[] utf8(String s) {
        byte[] utf = s.getBytes(StandardCharsets.UTF_8);
        if (utf.length > 0xFFFF) {
            throw new IllegalArgumentException("identity field longer than 65535 bytes: " + s.substring(0, 64) + "...");
        }
        return utf;
    }

    /** Decodes an IDENTITY payload. */
    static GroupIdentity identity(byte[] payload) {
        ByteBuffer buf = ByteBuffer.wrap(payload);
        String[] fields = new String[4];
        for (int i = 0; i < fields.length; i++) {
            byte[] utf = new byte[Short.toUnsignedInt(buf.getShort())];
            buf.get(utf);
            fields[i] = new String(utf, StandardCharsets.UTF_8);
        }
        return new GroupIdentity(fields[0], fields[1], fields[2], fields[3]);
    }
}
