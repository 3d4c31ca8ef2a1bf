package io.consensus.transport.netty;

import io.consensus.transport.netty.WireProto.Frame;
import io.netty.channel.DefaultMessageSizeEstimator;
import io.netty.channel.MessageSizeEstimator;

/**
 * Sizes a queued {@link Frame} by its encoded length. Netty counts a write made from outside the event
 * loop against the write-buffer watermarks as soon as it is queued, using this estimate; the default
 * would count any non-buffer message as 8 bytes, and a backlog of large envelopes would never make the
 * channel unwritable.
 */
final class FrameSizeEstimator implements MessageSizeEstimator {

    static final FrameSizeEstimator INSTANCE = new FrameSizeEstimator();

    private static final Handle HANDLE = new Handle() {
        private final Handle fallback = DefaultMessageSizeEstimator.DEFAULT.newHandle();

        @Override
        public int size(Object message) {
            return message instanceof Frame frame
                    ? Wire.LENGTH_PREFIX_BYTES + frame.getSerializedSize()
                    : fallback.size(message);
        }
    };

    private FrameSizeEstimator() {}

    @Override
    public Handle newHandle() {
        return HANDLE;
    }
}
