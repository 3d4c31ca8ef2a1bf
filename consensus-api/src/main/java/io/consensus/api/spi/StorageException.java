package io.consensus.api.spi;

/**
 * The storage failed or found corruption. The message names the file, offset and problem.
 *
 * <p>Sealed so that a caller can tell the one recoverable failure, {@link StorageFullException},
 * from every other, which leaves the storage unusable.
 */
public sealed class StorageException extends RuntimeException permits StorageFullException {

    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
