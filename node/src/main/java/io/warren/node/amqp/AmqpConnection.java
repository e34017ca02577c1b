package io.warren.node.amqp;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import io.netty.util.concurrent.ScheduledFuture;
import io.warren.model.QueueName;
import io.warren.model.ChannelRef;
import io.warren.model.Command;
import io.warren.model.Effect;
import io.warren.model.Reply;
import io.warren.node.broker.ClientSession;
import io.warren.node.broker.CommandLog;
import io.warren.node.broker.MemoryAlarm;
import io.warren.node.broker.ReplyHandler;
import io.warren.node.broker.Submission;
import io.warren.protocol.AmqpException;
import io.warren.protocol.ReplyCode;
import io.warren.protocol.frame.AmqpCommand;
import io.warren.protocol.frame.AmqpFrameDecoder;
import io.warren.protocol.frame.AssemblyResult;
import io.warren.protocol.frame.ContentAssembler;
import io.warren.protocol.frame.Frame;
import io.warren.protocol.frame.FrameError;
import io.warren.protocol.frame.FrameWriter;
import io.warren.protocol.frame.HeartbeatFrame;
import io.warren.protocol.frame.MethodFrame;
import io.warren.protocol.frame.ProtocolHeaderMismatch;
import io.warren.protocol.frame.ProtocolHeaderReceived;
import io.warren.protocol.method.AmqpMethod;
import io.warren.protocol.method.ChannelClose;
import io.warren.protocol.method.ChannelCloseOk;
import io.warren.protocol.method.ChannelOpen;
import io.warren.protocol.method.ChannelOpenOk;
import io.warren.protocol.method.ConnectionBlocked;
import io.warren.protocol.method.ConnectionClose;
import io.warren.protocol.method.ConnectionCloseOk;
import io.warren.protocol.method.ConnectionOpen;
import io.warren.protocol.method.ConnectionOpenOk;
import io.warren.protocol.method.ConnectionStart;
import io.warren.protocol.method.ConnectionStartOk;
import io.warren.protocol.method.ConnectionTune;
import io.warren.protocol.method.ConnectionTuneOk;
import io.warren.protocol.method.ConnectionUnblocked;
import io.warren.protocol.method.ConnectionUpdateSecret;
import io.warren.protocol.method.ConnectionUpdateSecretOk;
import io.warren.protocol.types.FieldTable;
import io.warren.protocol.types.LongString;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One AMQP connection, as the last handler of its Netty pipeline: the handshake, channel 0, the
 * channels, heartbeats, flow control and the error model. Everything here runs on the
 * connection's event loop; broker work is submitted to the {@link CommandLog} (batched per read)
 * and its replies and effects come back through {@link #onApplied}. Nothing here blocks.
 */
public final class AmqpConnection extends ChannelInboundHandlerAdapter implements ClientSession {
  private static final Logger log = LoggerFactory.getLogger(AmqpConnection.class);
  private static final long HANDSHAKE_TIMEOUT_SECONDS = 10;
  private static final long CLOSE_TIMEOUT_SECONDS = 3;
  /** Commands submitted but not yet applied above which we stop reading from the socket. */
  private static final int IN_FLIGHT_HIGH = 20_000;
  private static final int IN_FLIGHT_LOW = 5_000;

  /** What the server proposes and enforces; from the node configuration. */
  public record Limits(int frameMax, int channelMax, int heartbeat, long maxMessageSize, String clusterName) {}

  private enum State { AWAIT_HEADER, AWAIT_START_OK, AWAIT_TUNE_OK, AWAIT_OPEN, OPENING, OPEN, CLOSING, CLOSED }

  private final long id;
  private final CommandLog commandLog;
  private final Limits limits;
  private final Authenticator authenticator;
  private final MemoryAlarm memoryAlarm;
  private final DirectReplyTo directReplyTo;
  private final ConnectionRegistry registry;
  private final ContentAssembler assembler;
  private final Consumer<Boolean> alarmListener = raised -> execute(() -> onMemoryAlarm(raised));

  private ChannelHandlerContext ctx;
  private State state = State.AWAIT_HEADER;
  private String user;
  private String vhost;
  /** Set when the connection opens its vhost. */
  private PermissionChecks permissions;
  private FieldTable clientProperties = FieldTable.EMPTY;
  private String authMechanism = "";
  private long connectedAt;
  private int frameMax;
  private int channelMax;
  private int heartbeat;
  private ScheduledFuture<?> closeTimer;

  private final IntObjectMap<AmqpChannel> channels = new IntObjectHashMap<>();
  private int channelSerial;
  /** Channels with confirms or credit to send at the end of the current batch. */
  private final List<AmqpChannel> dirty = new ArrayList<>();

  private List<Submission> pending = new ArrayList<>();
  private int inFlight;
  private boolean pausedForInFlight;
  private boolean needsFlush;
  private boolean closeSubmitted;

  private boolean publishedEver;
  private boolean alarmRaised;
  private boolean blocked;

  AmqpConnection(long id, CommandLog commandLog, Limits limits, Authenticator authenticator, MemoryAlarm memoryAlarm,
      ConnectionRegistry registry) {
    this.id = id;
    this.commandLog = commandLog;
    this.limits = limits;
    this.authenticator = authenticator;
    this.memoryAlarm = memoryAlarm;
    this.registry = registry;
    this.directReplyTo = new DirectReplyTo(this, registry);
    this.assembler = new ContentAssembler(limits.maxMessageSize());
    this.frameMax = limits.frameMax();
    this.channelMax = limits.channelMax();
  }

  // ------------------------------------------------------------------ accessors for channels

  long id() {
    return id;
  }

  String user() {
    return user;
  }

  String vhost() {
    return vhost;
  }

  PermissionChecks permissions() {
    return permissions;
  }

  DirectReplyTo directReplyTo() {
    return directReplyTo;
  }

  /** Counts a channel's message event in the node's totals. */
  void count(MessageEvent event, long n) {
    registry.totals.add(event, n);
  }

  /** Counts a message event of {@code queue}, which exists right now (see {@link QueueMessageCounters}). */
  void count(QueueName queue, MessageEvent event, long n) {
    registry.queues.add(queue, event, n);
  }

  /** Counts a message event of {@code queue}, which may be gone meanwhile. */
  void countIfCounted(QueueName queue, MessageEvent event, long n) {
    registry.queues.addIfCounted(queue, event, n);
  }

  // ------------------------------------------------------------------ management

  /** This connection as the management API shows it, copied on its event loop. */
  CompletableFuture<ConnectionInfo> describe() {
    CompletableFuture<ConnectionInfo> info = new CompletableFuture<>();
    execute(() -> {
      SocketAddress remote = ctx.channel().remoteAddress();
      SocketAddress local = ctx.channel().localAddress();
      String peerHost = host(remote);
      String host = host(local);
      List<ConnectionInfo.ChannelInfo> chans = new ArrayList<>(channels.size());
      for (AmqpChannel ch : channels.values()) {
        if (ch.isOpen()) {
          chans.add(ch.describe());
        }
      }
      chans.sort(Comparator.comparingInt(ConnectionInfo.ChannelInfo::number));
      info.complete(new ConnectionInfo(id, peerHost + ":" + port(remote) + " -> " + host + ":" + port(local),
          peerHost, port(remote), host, port(local), user, vhost, stateName(), FieldTables.toArguments(clientProperties),
          authMechanism, frameMax, channelMax, heartbeat, connectedAt, chans));
    });
    return info;
  }

  private String stateName() {
    return switch (state) {
      case AWAIT_HEADER, AWAIT_START_OK -> "starting";
      case AWAIT_TUNE_OK -> "tuning";
      case AWAIT_OPEN, OPENING -> "opening";
      case OPEN -> blocked ? "blocked" : "running";
      case CLOSING, CLOSED -> "closing";
    };
  }

  private static String host(SocketAddress address) {
    if (address instanceof InetSocketAddress inet) {
      return inet.getAddress() == null ? inet.getHostString() : inet.getAddress().getHostAddress();
    }
    return String.valueOf(address);
  }

  private static int port(SocketAddress address) {
    return address instanceof InetSocketAddress inet ? inet.getPort() : 0;
  }

  /** Closes the connection with 320 CONNECTION_FORCED (management, like rabbitmqctl close_connection). */
  void forceClose(String reason) {
    execute(() -> {
      connectionError(new AmqpException(ReplyCode.CONNECTION_FORCED, reason));
      flushSubmissions();
    });
  }

  boolean supports(String capability) {
    return FieldTables.capability(clientProperties, capability);
  }

  AmqpChannel channelByRef(int key) {
    for (AmqpChannel ch : channels.values()) {
      if (ch.ref.channel() == key) {
        return ch;
      }
    }
    return null;
  }

  /** A direct reply-to reply for one of this connection's channels (on this event loop). */
  void deliverDirect(int channelKey, io.warren.model.Message reply) {
    AmqpChannel ch = channelByRef(channelKey);
    if (ch != null) {
      ch.deliverDirect(reply);
      flushWrites();
    }
  }

  // ------------------------------------------------------------------ ClientSession

  @Override
  public long connectionId() {
    return id;
  }

  @Override
  public void execute(Runnable task) {
    ctx.executor().execute(task);
  }

  @Override
  public void onApplied(AppliedBatch batch) {
    inFlight -= batch.appliedCommands();
    for (Object item : batch.items()) {
      try {
        if (item instanceof PendingReply r) {
          r.deliver();
        } else if (item instanceof Effect.Deliver d) {
          AmqpChannel ch = channels.get(channelNumber(d.channel()));
          if (ch != null && ch.ref.equals(d.channel())) {
            ch.deliver(d);
          }
        } else if (item instanceof Effect.ConsumerCancelled c) {
          AmqpChannel ch = channels.get(channelNumber(c.channel()));
          if (ch != null && ch.ref.equals(c.channel())) {
            ch.consumerCancelled(c);
          }
        } else if (item instanceof Effect.ConnectionRevoked r) {
          throw new AmqpException(ReplyCode.CONNECTION_FORCED, r.reason());
        } else if (item instanceof Effect.ConnectionForced) {
          throw new AmqpException(ReplyCode.CONNECTION_FORCED, "this node was declared down by the cluster; reconnect");
        }
      } catch (AmqpException e) {
        connectionError(e);
      }
    }
    endOfBatch();
  }

  private int channelNumber(ChannelRef ref) {
    return ref.channel() & 0xFFFF;
  }

  /** Confirms, credit, then one flush for everything the batch produced. */
  private void endOfBatch() {
    if (!dirty.isEmpty()) {
      boolean writable = ctx.channel().isWritable();
      for (AmqpChannel ch : dirty) {
        ch.sendConfirms();
        if (writable) {
          ch.grantCredit();
        }
      }
      if (writable) {
        dirty.clear();
      } else {
        dirty.removeIf(ch -> !ch.isOpen());
      }
    }
    flushSubmissions();
    flushWrites();
    updateAutoRead();
  }

  void markDirty(AmqpChannel ch) {
    if (!dirty.contains(ch)) {
      dirty.add(ch);
    }
  }

  // ------------------------------------------------------------------ submitting and writing

  void submit(Command command, ReplyHandler onReply) {
    pending.add(new Submission(command, onReply));
  }

  private void flushSubmissions() {
    if (!pending.isEmpty()) {
      List<Submission> batch = pending;
      pending = new ArrayList<>();
      inFlight += batch.size();
      commandLog.submit(this, batch);
    }
  }

  void send(int channel, AmqpMethod method) {
    ctx.write(new MethodFrame(channel, method), ctx.voidPromise());
    needsFlush = true;
  }

  void sendContent(int channel, AmqpMethod method, byte[] properties, byte[] body) {
    ContentWriter.write(ctx, channel, method, properties, body, frameMax);
    needsFlush = true;
  }

  void flushWrites() {
    if (needsFlush) {
      needsFlush = false;
      ctx.flush();
    }
  }

  // ------------------------------------------------------------------ Netty events

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    connectedAt = System.currentTimeMillis();
    commandLog.register(this);
    directReplyTo.register();
    ctx.executor().schedule(() -> {
      if (state.ordinal() < State.OPEN.ordinal()) {
        log.info("Connection {} from {}: handshake timed out", id, ctx.channel().remoteAddress());
        ctx.close();
      }
    }, HANDSHAKE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    state = State.CLOSED;
    submitClose();
    channels.clear();
    assembler.releaseAll();
    memoryAlarm.removeListener(alarmListener);
    directReplyTo.unregister();
    if (closeTimer != null) {
      closeTimer.cancel(false);
    }
    flushSubmissions();
  }

  /** Closes every channel and tells the model the connection is gone, once. */
  private void submitClose() {
    if (!closeSubmitted) {
      closeSubmitted = true;
      pending.clear(); // nothing else from a closed connection matters but what its channels return
      for (AmqpChannel ch : channels.values()) {
        ch.closed();
      }
      submit(new Command.CloseConnection(id), null);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (state == State.CLOSED) {
      io.netty.util.ReferenceCountUtil.release(msg);
      return;
    }
    try {
      if (msg instanceof Frame frame) {
        onFrame(frame);
      } else if (msg instanceof ProtocolHeaderReceived) {
        sendStart();
      } else if (msg instanceof ProtocolHeaderMismatch) {
        FrameWriter.writeProtocolHeader(ctx).addListener(ChannelFutureListener.CLOSE);
        ctx.flush();
        state = State.CLOSED;
      } else if (msg instanceof FrameError e) {
        // The decoder ignores all further input, so close-ok cannot be seen: the close timer ends it.
        connectionError(e.toException());
      } else {
        io.netty.util.ReferenceCountUtil.release(msg);
      }
    } catch (AmqpException e) {
      connectionError(e);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    flushSubmissions();
    flushWrites();
    updateAutoRead();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable()) {
      for (AmqpChannel ch : dirty) {
        ch.grantCredit();
      }
      dirty.clear();
      flushSubmissions();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent idle) {
      if (idle.state() == IdleState.WRITER_IDLE) {
        ctx.writeAndFlush(HeartbeatFrame.INSTANCE, ctx.voidPromise());
      } else if (idle.state() == IdleState.READER_IDLE && ctx.channel().config().isAutoRead()) {
        // Not while we stopped reading ourselves (blocked): the silence is ours then.
        log.warn("Connection {} from {}: missed heartbeats from client, closing", id, ctx.channel().remoteAddress());
        ctx.close();
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof java.io.IOException) {
      log.debug("Connection {}: {}", id, cause.toString());
    } else {
      log.warn("Connection {}: unexpected error", id, cause);
    }
    ctx.close();
  }

  // ------------------------------------------------------------------ frames and handshake

  private void onFrame(Frame frame) {
    if (state == State.CLOSING) {
      // After we sent connection.close only close / close-ok matter.
      if (frame instanceof MethodFrame m && m.channel() == 0
          && (m.method() instanceof ConnectionCloseOk || m.method() instanceof ConnectionClose)) {
        if (m.method() instanceof ConnectionClose) {
          send(0, new ConnectionCloseOk());
        }
        closeSocket();
      } else {
        io.netty.util.ReferenceCountUtil.release(frame);
      }
      return;
    }
    if (state != State.OPEN) {
      handshake(frame);
      return;
    }
    AssemblyResult result = assembler.accept(frame);
    if (result instanceof AmqpCommand command) {
      try {
        dispatch(command);
      } finally {
        command.release();
      }
    } else if (result instanceof AssemblyResult.ContentTooLarge tooLarge) {
      AmqpChannel ch = channels.get(tooLarge.channel());
      if (ch != null && ch.isOpen()) {
        channelError(ch, tooLarge.toException());
      }
    }
  }

  private void handshake(Frame frame) {
    if (frame instanceof HeartbeatFrame) {
      return;
    }
    if (!(frame instanceof MethodFrame mf) || mf.channel() != 0) {
      io.netty.util.ReferenceCountUtil.release(frame);
      throw new AmqpException(ReplyCode.COMMAND_INVALID, "expected a connection method on channel 0 during handshake");
    }
    AmqpMethod m = mf.method();
    switch (state) {
      case AWAIT_START_OK -> {
        if (!(m instanceof ConnectionStartOk startOk)) {
          throw unexpected(m, "connection.start_ok");
        }
        startOk(startOk);
      }
      case AWAIT_TUNE_OK -> {
        if (!(m instanceof ConnectionTuneOk tuneOk)) {
          throw unexpected(m, "connection.tune_ok");
        }
        tuneOk(tuneOk);
      }
      case AWAIT_OPEN -> {
        if (!(m instanceof ConnectionOpen open)) {
          throw unexpected(m, "connection.open");
        }
        open(open);
      }
      default -> {
        if (m instanceof ConnectionClose) {
          send(0, new ConnectionCloseOk());
          closeSocket();
          return;
        }
        throw unexpected(m, "nothing until connection.open-ok");
      }
    }
  }

  private static AmqpException unexpected(AmqpMethod m, String expected) {
    return new AmqpException(ReplyCode.COMMAND_INVALID, "expected '" + expected + "', got '" + m.name() + "'",
        m.classId(), m.methodId());
  }

  private void sendStart() {
    send(0, new ConnectionStart(0, 9, ServerProperties.build(limits.clusterName()),
        LongString.of(Authenticator.MECHANISMS), LongString.of("en_US")));
    state = State.AWAIT_START_OK;
  }

  private void startOk(ConnectionStartOk m) {
    clientProperties = m.clientProperties() == null ? FieldTable.EMPTY : m.clientProperties();
    if (!Authenticator.supports(m.mechanism())) {
      throw new AmqpException(ReplyCode.COMMAND_INVALID, "unknown authentication mechanism '" + m.mechanism() + "'",
          m.classId(), m.methodId());
    }
    Authenticator.Outcome outcome = authenticator.authenticate(m.mechanism(), m.response(),
        ctx.channel().remoteAddress());
    if (!outcome.accepted()) {
      log.warn("Connection {} from {}: login refused: {}", id, ctx.channel().remoteAddress(), outcome.refusal());
      connectionError(new AmqpException(ReplyCode.ACCESS_REFUSED, "Login was refused using authentication mechanism "
          + m.mechanism() + ". For details see the broker logfile.", m.classId(), m.methodId()), true);
      return;
    }
    user = outcome.user();
    authMechanism = m.mechanism();
    send(0, new ConnectionTune(limits.channelMax(), limits.frameMax(), limits.heartbeat()));
    state = State.AWAIT_TUNE_OK;
  }

  private void tuneOk(ConnectionTuneOk m) {
    long fm = m.frameMax() == 0 ? limits.frameMax() : m.frameMax();
    if (fm > limits.frameMax()) {
      throw new AmqpException(ReplyCode.NOT_ALLOWED, "frame_max=" + fm + " > " + limits.frameMax() + " max size",
          m.classId(), m.methodId());
    }
    if (fm < Frame.MIN_FRAME_MAX) {
      throw new AmqpException(ReplyCode.NOT_ALLOWED, "frame_max=" + fm + " < " + Frame.MIN_FRAME_MAX + " min size",
          m.classId(), m.methodId());
    }
    frameMax = (int) fm;
    channelMax = m.channelMax() == 0 ? limits.channelMax() : Math.min(m.channelMax(), limits.channelMax());
    ctx.pipeline().get(AmqpFrameDecoder.class).setFrameMax(frameMax);
    heartbeat = m.heartbeat();
    if (heartbeat > 0) {
      ctx.pipeline().addBefore(ctx.name(), "heartbeat",
          new IdleStateHandler(2L * heartbeat, heartbeat, 0, TimeUnit.SECONDS));
    }
    state = State.AWAIT_OPEN;
  }

  private void open(ConnectionOpen m) {
    state = State.OPENING;
    String requested = m.virtualHost();
    submit(new Command.OpenConnection(id, requested, user), reply -> {
      if (reply instanceof Reply.Failure f) {
        connectionError(new AmqpException(ReplyCode.NOT_ALLOWED, f.text(), m.classId(), m.methodId()));
        return;
      }
      if (state != State.OPENING) {
        return;
      }
      // After the model found the vhost, as RabbitMQ says "not found" before "refused".
      if (!PermissionChecks.mayOpen(authenticator.access(), user, requested)) {
        connectionError(new AmqpException(ReplyCode.NOT_ALLOWED, "access to vhost '" + requested
            + "' refused for user '" + user + "'", m.classId(), m.methodId()));
        return;
      }
      vhost = requested;
      permissions = new PermissionChecks(authenticator::access, user, requested);
      state = State.OPEN;
      send(0, new ConnectionOpenOk());
      memoryAlarm.addListener(alarmListener);
      onMemoryAlarm(memoryAlarm.raised());
    });
  }

  // ------------------------------------------------------------------ open connection

  private void dispatch(AmqpCommand command) {
    AmqpMethod m = command.method();
    int number = command.channel();
    if (number == 0) {
      connectionMethod(m);
      return;
    }
    AmqpChannel ch = channels.get(number);
    if (m instanceof ChannelOpen) {
      if (ch != null) {
        throw new AmqpException(ReplyCode.CHANNEL_ERROR, "second 'channel.open' seen", m.classId(), m.methodId());
      }
      if (channels.size() >= channelMax) {
        throw new AmqpException(ReplyCode.NOT_ALLOWED, "number of channels opened (" + channels.size()
            + ") has reached the negotiated channel_max (" + channelMax + ")", m.classId(), m.methodId());
      }
      ch = new AmqpChannel(this, number, new ChannelRef(id, (++channelSerial << 16) | number));
      channels.put(number, ch);
      assembler.resetChannel(number);
      submit(new Command.OpenChannel(ch.ref), null);
      send(number, new ChannelOpenOk());
      return;
    }
    if (ch == null) {
      throw new AmqpException(ReplyCode.CHANNEL_ERROR, "expected 'channel.open'", m.classId(), m.methodId());
    }
    if (m instanceof ChannelClose) {
      clientClosedChannel(ch);
      return;
    }
    if (m instanceof ChannelCloseOk) {
      if (ch.state == AmqpChannel.State.CLOSING) {
        channels.remove(number);
        assembler.resetChannel(number);
      }
      return;
    }
    if (!ch.isOpen()) {
      return; // closing: everything but close / close-ok is dropped
    }
    try {
      ch.handle(command);
    } catch (AmqpException e) {
      fail(ch, e.classId() == 0 && e.methodId() == 0 ? e.withMethod(m.classId(), m.methodId()) : e);
    }
  }

  private void connectionMethod(AmqpMethod m) {
    if (m instanceof ConnectionClose) {
      send(0, new ConnectionCloseOk());
      state = State.CLOSING;
      submitClose();
      closeSocket();
    } else if (m instanceof ConnectionUpdateSecret) {
      send(0, new ConnectionUpdateSecretOk());
    } else if (m instanceof ConnectionCloseOk) {
      closeSocket();
    } else {
      throw new AmqpException(ReplyCode.CHANNEL_ERROR, "unexpected method in connection state running",
          m.classId(), m.methodId());
    }
  }

  private void clientClosedChannel(AmqpChannel ch) {
    if (ch.state == AmqpChannel.State.CLOSING) {
      // Both sides closed at once: answer and forget; the model was told already.
      channels.remove(ch.number);
      assembler.resetChannel(ch.number);
      send(ch.number, new ChannelCloseOk());
      return;
    }
    // The number stays taken (and effects for it are dropped) until the model has returned what
    // the channel held; then close-ok.
    ch.closed();
    submit(new Command.CloseChannel(ch.ref), reply -> {
      if (channels.get(ch.number) == ch) {
        channels.remove(ch.number);
        assembler.resetChannel(ch.number);
      }
      if (state == State.OPEN) {
        send(ch.number, new ChannelCloseOk());
      }
    });
  }

  // ------------------------------------------------------------------ errors

  /** A channel or connection error, by its code. */
  void fail(AmqpChannel ch, AmqpException e) {
    if (e.isConnectionError()) {
      connectionError(e);
    } else {
      channelError(ch, e);
    }
  }

  private void channelError(AmqpChannel ch, AmqpException e) {
    if (!ch.isOpen() || state != State.OPEN) {
      return;
    }
    log.debug("Connection {} channel {}: {}", id, ch.number, e.closeReplyText());
    ch.closed();
    ch.state = AmqpChannel.State.CLOSING;
    assembler.discardChannel(ch.number);
    submit(new Command.CloseChannel(ch.ref), null);
    send(ch.number, new ChannelClose(e.replyCode(), e.closeReplyText(), e.classId(), e.methodId()));
  }

  void connectionError(AmqpException e) {
    connectionError(e, false);
  }

  /** Sends connection.close; waits for close-ok unless the input can no longer be trusted. */
  private void connectionError(AmqpException e, boolean closeNow) {
    if (state == State.CLOSING || state == State.CLOSED) {
      return;
    }
    log.info("Connection {} from {}: closing: {}", id, ctx.channel().remoteAddress(), e.closeReplyText());
    boolean handshakeDone = state == State.OPEN;
    state = State.CLOSING;
    submitClose();
    ctx.write(new MethodFrame(0, new ConnectionClose(e.replyCode(), e.closeReplyText(), e.classId(), e.methodId())))
        .addListener(closeNow || !handshakeDone ? ChannelFutureListener.CLOSE : ChannelFutureListener.CLOSE_ON_FAILURE);
    ctx.flush();
    closeTimer = ctx.executor().schedule(this::closeSocket, CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  private void closeSocket() {
    flushWrites();
    ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
  }

  // ------------------------------------------------------------------ flow control

  void onPublish() {
    publishedEver = true;
    if (alarmRaised && !blocked) {
      setBlocked(true);
    }
  }

  private void onMemoryAlarm(boolean raised) {
    alarmRaised = raised;
    if (state != State.OPEN) {
      return;
    }
    if (raised && publishedEver && !blocked) {
      setBlocked(true);
    } else if (!raised && blocked) {
      setBlocked(false);
    }
    flushWrites();
  }

  private void setBlocked(boolean on) {
    blocked = on;
    if (supports("connection.blocked")) {
      send(0, on ? new ConnectionBlocked("low on memory") : new ConnectionUnblocked());
    }
    updateAutoRead();
  }

  private void updateAutoRead() {
    if (pausedForInFlight ? inFlight < IN_FLIGHT_LOW : inFlight > IN_FLIGHT_HIGH) {
      pausedForInFlight = !pausedForInFlight;
    }
    boolean read = !pausedForInFlight && !blocked;
    if (ctx.channel().config().isAutoRead() != read) {
      ctx.channel().config().setAutoRead(read);
    }
  }
}
