package io.warren.node.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.warren.node.it.support.Broker;
import io.warren.node.it.support.RawAmqpPeer;
import io.warren.node.it.support.RawAmqpPeer.Tuning;
import io.warren.node.it.support.Waits;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.SocketFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Heartbeats keep an idle but live connection open and end one whose peer went silent. */
class HeartbeatTest {
  @RegisterExtension static final Broker broker = Broker.standard();

  private static final int HEARTBEAT_FRAME_SIZE = 8;

  @Test
  void idleClientThatHeartbeatsStaysConnected() throws Exception {
    CountingSocketFactory sockets = new CountingSocketFactory();
    ConnectionFactory factory = broker.factory();
    factory.setRequestedHeartbeat(1);
    factory.setSocketFactory(sockets);
    Connection connection = broker.connect(factory);
    assertThat(connection.getHeartbeat()).isEqualTo(1);
    long afterHandshake = sockets.bytesReceived.get();

    // Idle from here on: all the server sends are heartbeat frames. Six of them span at least
    // three heartbeat intervals, longer than a server tolerates a silent client.
    Waits.await().atMost(Duration.ofSeconds(60))
        .until(() -> sockets.bytesReceived.get() - afterHandshake >= 6L * HEARTBEAT_FRAME_SIZE || !connection.isOpen());

    assertThat(connection.isOpen()).as("connection open after %d heartbeat frames",
        (sockets.bytesReceived.get() - afterHandshake) / HEARTBEAT_FRAME_SIZE).isTrue();
    assertThat(connection.createChannel().isOpen()).isTrue();
  }

  @Test
  void peerThatStopsSendingAfterNegotiatingHeartbeatsIsDisconnected() throws Exception {
    try (RawAmqpPeer peer = RawAmqpPeer.open(broker, new Tuning(2047, 131072, 1))) {
      // the peer now says nothing at all, not even heartbeats
      assertThat(peer.awaitSocketClosedByServer()).isTrue();
    }
  }

  @Test
  void peerThatNegotiatedNoHeartbeatsIsNotDisconnectedForSilence() throws Exception {
    try (RawAmqpPeer silent = RawAmqpPeer.open(broker, new Tuning(2047, 131072, 0));
        RawAmqpPeer beating = RawAmqpPeer.open(broker, new Tuning(2047, 131072, 1))) {
      // the one that promised heartbeats and broke the promise is cut off...
      assertThat(beating.awaitSocketClosedByServer()).isTrue();
      // ...while the one that asked for none still works after the same silence
      silent.openChannel(1);
    }
  }

  /** Sockets that count the bytes the client reads from the server. */
  private static final class CountingSocketFactory extends SocketFactory {
    final AtomicLong bytesReceived = new AtomicLong();

    @Override
    public Socket createSocket() {
      return new Socket() {
        @Override
        public InputStream getInputStream() throws IOException {
          return new FilterInputStream(super.getInputStream()) {
            @Override
            public int read() throws IOException {
              int b = super.read();
              if (b >= 0) {
                bytesReceived.incrementAndGet();
              }
              return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
              int n = super.read(buffer, offset, length);
              if (n > 0) {
                bytesReceived.addAndGet(n);
              }
              return n;
            }
          };
        }
      };
    }

    @Override
    public Socket createSocket(String host, int port) {
      throw new UnsupportedOperationException("the client uses createSocket() then connect()");
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Socket createSocket(InetAddress host, int port) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Socket createSocket(InetAddress host, int port, InetAddress address, int localPort) {
      throw new UnsupportedOperationException();
    }
  }
}
