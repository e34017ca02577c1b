package io.warren.node.amqp;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.warren.node.config.WarrenConfig;
import java.net.InetSocketAddress;

/** The AMQP 0-9-1 listener: Netty event loops doing I/O and framing only. */
public final class AmqpServer implements AutoCloseable {
  private final WarrenConfig config;
  private EventLoopGroup boss;
  private EventLoopGroup workers;
  private Channel listener;

  public AmqpServer(WarrenConfig config) {
    this.config = config;
  }

  public void start() throws InterruptedException {
    boolean epoll = Epoll.isAvailable();
    boss = new MultiThreadIoEventLoopGroup(1, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    workers = new MultiThreadIoEventLoopGroup(0, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    Class<? extends ServerSocketChannel> channelType =
        epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    listener = new ServerBootstrap()
        .group(boss, workers)
        .channel(channelType)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            // The AMQP pipeline is installed by the broker front end.
            ch.close();
          }
        })
        .bind(config.get(WarrenConfig.AMQP_BIND), config.get(WarrenConfig.AMQP_PORT))
        .sync()
        .channel();
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) listener.localAddress();
  }

  @Override
  public void close() {
    if (listener != null) {
      listener.close().syncUninterruptibly();
    }
    if (boss != null) {
      boss.shutdownGracefully();
      workers.shutdownGracefully();
    }
  }
}
