package io.consensus.api.spi;

/**
 * A write found no space on the device. Unlike any other {@link StorageException} the storage stays
 * usable: the write had no effect (the storage rolled back whatever part of it reached the file), every
 * earlier write is intact and becomes durable with the next successful {@link NodeStorage#sync()}, and
 * writes succeed again once space is freed. A failed {@code sync} is never reported this way: after a
 * failed {@code fsync} nothing may be assumed durable, whatever the cause.
 */
public final class StorageFullException extends StorageException {

    public StorageFullException(String message, Throwable cause) {
        super(message, cause);
    }
}
