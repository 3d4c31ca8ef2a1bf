package io.consensus.transport.netty;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * The socket implementation: native epoll where its library loads (Linux x86-64), NIO elsewhere.
 *
 * @param name          {@code epoll} or {@code nio}, for the log
 * @param handlers      makes the event loops' I/O handlers
 * @param serverChannel the listening socket class
 * @param socketChannel the connection class
 */
record IoFlavor(String name, IoHandlerFactory handlers, Class<? extends ServerSocketChannel> serverChannel,
        Class<? extends SocketChannel> socketChannel) {

    static IoFlavor detect() {
        return Epoll.isAvailable()
                ? new IoFlavor("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class, EpollSocketChannel.class)
                : new IoFlavor("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class);
    }
}
