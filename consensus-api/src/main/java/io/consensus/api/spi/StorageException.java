package io.consensus.api.spi;

/** The storage failed or found corruption. The message names the file, offset and problem. */
public final class StorageException extends RuntimeException {

    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
