package io.consensus.transport.netty;

import io.consensus.api.Member;
import io.consensus.api.spi.Envelope;
import io.consensus.transport.netty.WireProto.Frame;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one outbound connection to one peer, shared by every group. It dials, reconnects with
 * {@link Backoff} while the peer is away (a down peer costs one scheduled task), and sends.
 *
 * <p><b>Threads.</b> {@link #send} runs on any thread and never blocks. Everything else runs on the
 * peer's own event loop, which owns the connection state, so that state needs no locks; only
 * {@link #ready} is read across threads.
 */
final class Peer {

    private static final Logger LOG = LoggerFactory.getLogger(Peer.class);
    private static final long OVERFLOW_WARNING_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Member member;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final Backoff backoff;
    private final int maxFrameBytes;
    private final LongAdder sent = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private volatile PeerMeters meters = PeerMeters.NOOP;
    /** When a full write buffer may next be reported: at most one WARN per interval, however many drops. */
    private final AtomicLong nextOverflowWarningNanos = new AtomicLong(System.nanoTime());

    /** The connection past its handshake, or null; the only state read off the loop. */
    private volatile Channel ready;

    // Owned by the loop.
    private Channel channel;
    private ScheduledFuture<?> reconnect;
    private int failures;
    private boolean unreachableLogged;
    private boolean closed;

    Peer(Member member, EventLoop loop, Bootstrap template, Pipelines pipelines, Backoff backoff, int maxFrameBytes) {
        this.member = member;
        this.loop = loop;
        this.bootstrap = template.clone(loop).handler(pipelines.dialer(member, this::onReady));
        this.backoff = backoff;
        this.maxFrameBytes = maxFrameBytes;
    }

    Member member() {
        return member;
    }

    void start() {
        loop.execute(this::connect);
    }

    /** Counts this peer's traffic on {@code peerMeters} from now on. */
    void bindMeters(PeerMeters peerMeters) {
        meters = peerMeters;
    }

    PeerMeters meters() {
        return meters;
    }

    /** Closes the connection and stops reconnecting; sends are dropped from now on. */
    void close() {
        meters.remove();
        loop.execute(() -> {
            closed = true;
            ready = null;
            if (reconnect != null) {
                reconnect.cancel(false);
            }
            if (channel != null) {
                channel.close();
            }
        });
    }

    /**
     * Queues {@code envelope}, or drops and counts it when there is no connection, the connection's
     * queue is above the high watermark, or the frame is over the limit. The flush that goes with
     * each write is coalesced on the event loop (see {@link Pipelines}), so a burst of sends costs few
     * syscalls.
     */
    void send(Envelope envelope) {
        Channel ch = ready;
        PeerMeters counted = meters;
        if (ch == null || !ch.isWritable()) {
            dropped.increment();
            counted.droppedMessages.increment();
            if (ch != null) {
                warnOverflow();
            }
            return;
        }
        Frame frame = Wire.frame(envelope);
        if (frame.getSerializedSize() > maxFrameBytes) {
            dropped.increment();
            counted.droppedMessages.increment();
            LOG.warn("Dropped an envelope of group '{}' to {}: its frame of {} bytes exceeds the limit of {}",
                    envelope.groupId(), member.id(), frame.getSerializedSize(), maxFrameBytes);
            return;
        }
        ch.writeAndFlush(frame, ch.voidPromise());
        sent.increment();
        counted.sentMessages.increment();
        counted.sentBytes.increment(envelope.payload().length);
    }

    private void warnOverflow() {
        long now = System.nanoTime();
        long next = nextOverflowWarningNanos.get();
        if (now - next >= 0 && nextOverflowWarningNanos.compareAndSet(next, now + OVERFLOW_WARNING_INTERVAL_NANOS)) {
            LOG.warn("Dropping messages to member {}: its write buffer is over the high watermark "
                    + "(consensus.transport.write.buffer.high.bytes); {} dropped since start; the protocols resend",
                    member.id(), dropped.sum());
        }
    }

    PeerStats stats() {
        return new PeerStats(member.id(), ready != null, sent.sum(), dropped.sum());
    }

    private void connect() {
        reconnect = null;
        if (closed) {
            return;
        }
        // Bootstrap closes the channel when the connect fails or times out, so closeFuture covers all.
        ChannelFuture connecting = bootstrap.connect(new InetSocketAddress(member.host(), member.port()));
        Channel ch = connecting.channel();
        channel = ch;
        connecting.addListener(f -> {
            if (f.isSuccess()) {
                return;
            }
            // Once at INFO per outage, so a long outage is visible but does not fill the log.
            if (!unreachableLogged) {
                unreachableLogged = true;
                LOG.info("Cannot connect to member {} ({}); retrying with backoff", member, f.cause().toString());
            } else {
                LOG.debug("Cannot connect to member {}: {}", member, f.cause().toString());
            }
        });
        ch.closeFuture().addListener(f -> onClosed(ch));
    }

    private void onReady(Channel ch) {
        if (closed || ch != channel) {
            ch.close();
            return;
        }
        failures = 0;
        unreachableLogged = false;
        ready = ch;
    }

    private void onClosed(Channel ch) {
        if (ready == ch) {
            ready = null;
            LOG.info("Lost connection to member {}", member);
        }
        if (closed || ch != channel) {
            return;
        }
        channel = null;
        long delay = backoff.delayMillis(failures++, ThreadLocalRandom.current());
        reconnect = loop.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }
}
