package io.consensus.transport.netty;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

/** Who is at the other end of a channel, for log lines and for closing a removed member's connections. */
final class Remote {

    /** The member id the peer authenticated as; absent until its handshake completes. */
    static final AttributeKey<String> MEMBER_ID = AttributeKey.valueOf(Remote.class, "memberId");

    private Remote() {}

    /** E.g. {@code member b at /127.0.0.1:40112}, or {@code /127.0.0.1:40112} before the handshake. */
    static String describe(Channel channel) {
        String member = channel.attr(MEMBER_ID).get();
        return member == null ? String.valueOf(channel.remoteAddress())
                : "member " + member + " at " + channel.remoteAddress();
    }
}
