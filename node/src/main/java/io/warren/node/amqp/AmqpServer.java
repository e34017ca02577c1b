package io.warren.node.amqp;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.warren.node.broker.CommandLog;
import io.warren.node.broker.MemoryAlarm;
import io.warren.node.config.WarrenConfig;
import io.warren.protocol.frame.AmqpFrameDecoder;
import io.warren.protocol.frame.AmqpFrameEncoder;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The AMQP 0-9-1 listener: Netty event loops doing I/O and framing only. Each connection's
 * pipeline is frame decoder, frame encoder, (heartbeat idle handler after tune), and its
 * {@link AmqpConnection}.
 */
public final class AmqpServer implements AutoCloseable {
  /** Outbound bytes buffered per connection before it counts as unwritable (consumer backpressure). */
  private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(256 * 1024, 1024 * 1024);
  private static final AmqpFrameEncoder ENCODER = new AmqpFrameEncoder();

  private final WarrenConfig config;
  private final CommandLog commandLog;
  private final MemoryAlarm memoryAlarm;
  private final Authenticator authenticator;
  private final AmqpConnection.Limits limits;
  private final ConnectionRegistry registry = new ConnectionRegistry();
  private final AtomicLong connectionIds = new AtomicLong();
  private EventLoopGroup boss;
  private EventLoopGroup workers;
  private Channel listener;
  /**
   * Samples memory on a thread of its own: a sample above the watermark waits for a collection of
   * the whole heap, which must not hold up the connections of an event loop.
   */
  private ScheduledExecutorService memorySampler;
  /** Why this node refuses clients now (see {@link #fence}), or null while it serves them. */
  private volatile String fenced;

  public AmqpServer(WarrenConfig config, CommandLog commandLog, MemoryAlarm memoryAlarm) {
    this(config, commandLog, memoryAlarm, 0);
  }

  /**
   * @param connectionIdBase connection ids start above it: each node run has its own range, so an
   *     id is never reused across restarts
   */
  public AmqpServer(WarrenConfig config, CommandLog commandLog, MemoryAlarm memoryAlarm, long connectionIdBase) {
    this.config = config;
    connectionIds.set(connectionIdBase);
    this.commandLog = commandLog;
    this.memoryAlarm = memoryAlarm;
    this.authenticator = new Authenticator(config, commandLog::access);
    this.limits = new AmqpConnection.Limits(config.get(WarrenConfig.FRAME_MAX), config.get(WarrenConfig.CHANNEL_MAX),
        config.get(WarrenConfig.HEARTBEAT), config.get(WarrenConfig.MAX_MESSAGE_SIZE),
        config.get(WarrenConfig.NODE_ID));
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
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            if (fenced != null) {
              ch.close(); // a client with several addresses tries the next node
              return;
            }
            ch.pipeline()
                .addLast("decoder", new AmqpFrameDecoder(limits.frameMax()))
                .addLast("encoder", ENCODER)
                .addLast("amqp", newConnection());
          }
        })
        .bind(config.get(WarrenConfig.AMQP_BIND), config.get(WarrenConfig.AMQP_PORT))
        .sync()
        .channel();
    // Alarms reach each connection through its own event loop (its listener hands them over).
    memorySampler = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "memory-alarm");
      thread.setDaemon(true);
      return thread;
    });
    memorySampler.scheduleWithFixedDelay(memoryAlarm::check, 0, 250, TimeUnit.MILLISECONDS);
  }

  /** A connection handler for a new socket (also used by front-end unit tests). */
  AmqpConnection newConnection() {
    return new AmqpConnection(connectionIds.incrementAndGet(), commandLog, limits, authenticator, memoryAlarm,
        registry);
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) listener.localAddress();
  }

  /**
   * The open connections as the management API shows them, each copied on its own event loop (so
   * the caller waits, with a timeout, and never on an event loop). Connections still in the
   * handshake are left out.
   */
  public CompletableFuture<List<ConnectionInfo>> connections() {
    List<CompletableFuture<ConnectionInfo>> all = new ArrayList<>();
    for (AmqpConnection c : registry.all()) {
      try {
        all.add(c.describe());
      } catch (RejectedExecutionException e) {
        // its event loop is shutting down: the connection is going away
      }
    }
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenApply(done -> all.stream()
        .map(CompletableFuture::join)
        .filter(info -> info.user() != null)
        .sorted(Comparator.comparingLong(ConnectionInfo::id))
        .toList());
  }

  /**
   * Closes connection {@code id} with 320 CONNECTION_FORCED and {@code reason}, as {@code
   * rabbitmqctl close_connection} does; false if no such connection is open here.
   */
  public boolean closeConnection(long id, String reason) {
    AmqpConnection c = registry.get(id);
    if (c == null) {
      return false;
    }
    try {
      c.forceClose(reason);
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  /**
   * Stops serving clients: every connection is closed with 320 CONNECTION_FORCED and {@code reason},
   * and new ones are refused until {@link #unfence}.
   */
  public void fence(String reason) {
    fenced = reason;
    for (AmqpConnection c : registry.all()) {
      try {
        c.forceClose(reason);
      } catch (RejectedExecutionException e) {
        // its event loop is shutting down: the connection is going away anyway
      }
    }
  }

  /** Serves clients again after {@link #fence}. */
  public void unfence() {
    fenced = null;
  }

  /** What every connection of this node did since it started, closed ones included. */
  public MessageCounts messageTotals() {
    return registry.totals.snapshot();
  }

  /** What this node's clients did per queue, closed connections included. */
  public QueueMessageCounters queueCounters() {
    return registry.queues;
  }

  /**
   * A connection id of this node's run that no client connection will get: for commands the
   * node submits on its own behalf that need a connection (the management API's basic.get).
   */
  public long reserveConnectionId() {
    return connectionIds.incrementAndGet();
  }

  /** How many client connections are open now. */
  public int connectionCount() {
    return registry.size();
  }

  @Override
  public void close() {
    if (memorySampler != null) {
      memorySampler.shutdownNow();
    }
    if (listener != null) {
      listener.close().syncUninterruptibly();
    }
    if (boss != null) {
      boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
      workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }
}
