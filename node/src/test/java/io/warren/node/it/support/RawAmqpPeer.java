package io.warren.node.it.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A hand-written AMQP 0-9-1 peer over a plain socket, for what the official client refuses to
 * do: send a wrong protocol header, exceed the negotiated limits, break the frame rules, or stop
 * heartbeating. It knows just enough of the wire format for those tests.
 */
public final class RawAmqpPeer implements AutoCloseable {
  public static final byte[] PROTOCOL_HEADER = {'A', 'M', 'Q', 'P', 0, 0, 9, 1};
  private static final int FRAME_END = 0xCE;

  private final Socket socket;
  private final DataInputStream in;
  private final DataOutputStream out;

  /** One frame as read off the wire. */
  public record Frame(int type, int channel, byte[] payload) {
    public static final int METHOD = 1;
    public static final int HEADER = 2;
    public static final int BODY = 3;
    public static final int HEARTBEAT = 8;

    public boolean isMethod(int classId, int methodId) {
      return type == METHOD && payload.length >= 4 && classId() == classId && methodId() == methodId;
    }

    int classId() {
      return ByteBuffer.wrap(payload).getShort(0) & 0xFFFF;
    }

    int methodId() {
      return ByteBuffer.wrap(payload).getShort(2) & 0xFFFF;
    }

    /** The method's arguments, after class and method id. */
    DataInputStream arguments() {
      DataInputStream args = new DataInputStream(new java.io.ByteArrayInputStream(payload));
      try {
        args.skipNBytes(4);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return args;
    }
  }

  /** The three values negotiated by {@code connection.tune}/{@code tune-ok}. */
  public record Tuning(int channelMax, int frameMax, int heartbeat) {}

  private RawAmqpPeer(Socket socket) throws IOException {
    this.socket = socket;
    socket.setSoTimeout((int) Waits.TIMEOUT.toMillis());
    socket.setTcpNoDelay(true);
    this.in = new DataInputStream(socket.getInputStream());
    this.out = new DataOutputStream(socket.getOutputStream());
  }

  public static RawAmqpPeer connect(Broker broker) throws IOException {
    return new RawAmqpPeer(new Socket(broker.host(), broker.port()));
  }

  /**
   * Connects and completes the handshake as user/password on vhost "/", answering the server's
   * tune with {@code wanted}. Returns what the server proposed.
   */
  public static RawAmqpPeer open(Broker broker, Tuning wanted) throws IOException {
    RawAmqpPeer peer = connect(broker);
    peer.authenticate(broker);
    peer.sendTuneOk(wanted);
    peer.sendMethod(0, 10, 40, new Args().shortStr("/").shortStr("").octet(0));
    assertThat(peer.readMethod().isMethod(10, 41)).as("connection.open-ok").isTrue();
    return peer;
  }

  /** Sends the protocol header, logs in with PLAIN, and returns the server's connection.tune proposal. */
  public Tuning authenticate(Broker broker) throws IOException {
    send(PROTOCOL_HEADER);
    assertThat(readMethod().isMethod(10, 10)).as("connection.start").isTrue();
    sendMethod(0, 10, 11, new Args()
        .emptyTable()
        .shortStr("PLAIN")
        .longStr("\0" + broker.username() + "\0" + broker.password())
        .shortStr("en_US"));
    Frame tune = readMethod();
    assertThat(tune.isMethod(10, 30)).as("connection.tune").isTrue();
    DataInputStream args = tune.arguments();
    return new Tuning(args.readUnsignedShort(), args.readInt(), args.readUnsignedShort());
  }

  public void sendTuneOk(Tuning tuning) throws IOException {
    sendMethod(0, 10, 31, new Args()
        .shortInt(tuning.channelMax()).longInt(tuning.frameMax()).shortInt(tuning.heartbeat()));
  }

  /** Opens a channel and waits for channel.open-ok. */
  public void openChannel(int channel) throws IOException {
    sendChannelOpen(channel);
    Frame reply = readMethod();
    assertThat(reply.isMethod(20, 11)).as("channel.open-ok on %d", channel).isTrue();
    assertThat(reply.channel()).isEqualTo(channel);
  }

  public void sendChannelOpen(int channel) throws IOException {
    sendMethod(channel, 20, 10, new Args().shortStr(""));
  }

  /** queue.declare of a server-named, exclusive, auto-delete queue. */
  public void sendQueueDeclare(int channel) throws IOException {
    sendMethod(channel, 50, 10, new Args().shortInt(0).shortStr("").octet(0b1100).emptyTable());
  }

  public void send(byte[] raw) throws IOException {
    out.write(raw);
    out.flush();
  }

  public void sendMethod(int channel, int classId, int methodId, Args args) throws IOException {
    ByteArrayOutputStream payload = new ByteArrayOutputStream();
    DataOutputStream data = new DataOutputStream(payload);
    data.writeShort(classId);
    data.writeShort(methodId);
    data.write(args.bytes());
    sendFrame(Frame.METHOD, channel, payload.toByteArray());
  }

  public void sendFrame(int type, int channel, byte[] payload) throws IOException {
    out.writeByte(type);
    out.writeShort(channel);
    out.writeInt(payload.length);
    out.write(payload);
    out.writeByte(FRAME_END);
    out.flush();
  }

  /** Up to {@code count} bytes, fewer if the server closes the socket first. */
  public byte[] readUpTo(int count) throws IOException {
    return in.readNBytes(count);
  }

  public Frame readFrame() throws IOException {
    int type = in.readUnsignedByte();
    int channel = in.readUnsignedShort();
    int size = in.readInt();
    byte[] payload = in.readNBytes(size);
    if (payload.length < size) {
      throw new EOFException("frame cut short");
    }
    int end = in.readUnsignedByte();
    assertThat(end).as("frame-end octet").isEqualTo(FRAME_END);
    return new Frame(type, channel, payload);
  }

  /** The next method frame, skipping the server's heartbeats. */
  public Frame readMethod() throws IOException {
    while (true) {
      Frame frame = readFrame();
      if (frame.type() != Frame.HEARTBEAT) {
        assertThat(frame.type()).as("frame type").isEqualTo(Frame.METHOD);
        return frame;
      }
    }
  }

  /**
   * Reads until the server's connection.close, answers close-ok, and returns its code and text.
   * Fails if the socket ends without one.
   */
  public Closure awaitConnectionClose() throws IOException {
    while (true) {
      Frame frame = readMethod();
      if (frame.isMethod(10, 50)) {
        assertThat(frame.channel()).as("connection.close travels on channel 0").isZero();
        DataInputStream args = frame.arguments();
        int code = args.readUnsignedShort();
        String text = readShortStr(args);
        sendMethod(0, 10, 51, new Args());
        return Closure.connection(code, text);
      }
    }
  }

  /**
   * Waits (up to {@link Waits#TIMEOUT}) for the server to close the socket, reading and
   * discarding whatever it sends before. True if it did.
   */
  public boolean awaitSocketClosedByServer() throws IOException {
    long deadline = System.nanoTime() + Waits.TIMEOUT.toNanos();
    byte[] buffer = new byte[4096];
    while (System.nanoTime() < deadline) {
      try {
        if (in.read(buffer) < 0) {
          return true;
        }
      } catch (SocketTimeoutException e) {
        return false;
      } catch (SocketException e) {
        return true; // reset by the server
      }
    }
    return false;
  }

  private static String readShortStr(DataInputStream in) throws IOException {
    int length = in.readUnsignedByte();
    return new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  /** Method arguments in wire order. */
  public static final class Args {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final DataOutputStream data = new DataOutputStream(bytes);

    public Args octet(int value) {
      return write(() -> data.writeByte(value));
    }

    public Args shortInt(int value) {
      return write(() -> data.writeShort(value));
    }

    public Args longInt(int value) {
      return write(() -> data.writeInt(value));
    }

    public Args shortStr(String value) {
      byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
      return write(() -> {
        data.writeByte(utf8.length);
        data.write(utf8);
      });
    }

    public Args longStr(String value) {
      byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
      return write(() -> {
        data.writeInt(utf8.length);
        data.write(utf8);
      });
    }

    public Args emptyTable() {
      return longInt(0);
    }

    byte[] bytes() {
      return bytes.toByteArray();
    }

    private interface Write {
      void run() throws IOException;
    }

    private Args write(Write write) {
      try {
        write.run();
      } catch (IOException e) {
        throw new UncheckedIOException(e); // cannot happen on a byte array
      }
      return this;
    }
  }
}
