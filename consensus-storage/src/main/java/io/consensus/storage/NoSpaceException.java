package io.consensus.storage;

import java.io.IOException;
import java.util.Locale;

/**
 * A write (never a force) failed because the file system is full. Java reports ENOSPC and EDQUOT as a
 * plain {@link IOException} carrying the operating system's message, so they are recognised by it.
 */
final class NoSpaceException extends IOException {

    /** Linux and macOS (ENOSPC, EDQUOT) and Windows (ERROR_DISK_FULL). */
    private static final String[] MESSAGES = {
        "no space left on device", "disk quota exceeded", "not enough space on the disk"
    };

    NoSpaceException(IOException cause) {
        super(cause.getMessage(), cause);
    }

    static boolean isNoSpace(IOException e) {
        String message = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
        for (String known : MESSAGES) {
            if (message.contains(known)) {
                return true;
            }
        }
        return false;
    }
}
