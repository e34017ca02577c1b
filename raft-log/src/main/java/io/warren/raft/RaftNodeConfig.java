package io.warren.raft;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Identity and placement of one node's Raft server.
 *
 * @param nodeId this node's id (letters, digits, '-', '_'), the same in every node's peer list
 * @param peers every node of the cluster, this one included: id to "host:port" of its Raft port
 * @param dataDir where logs, snapshots and stores live (see {@link RaftNode} for the layout)
 * @param bindHost the address the Raft port listens on; null to listen on the host of this node's
 *     own peer address
 * @param settings tuning
 */
public record RaftNodeConfig(
    String nodeId, Map<String, String> peers, Path dataDir, String bindHost, RaftSettings settings) {
  public RaftNodeConfig {
    Objects.requireNonNull(nodeId, "nodeId");
    if (!nodeId.matches("[A-Za-z0-9_-]+")) {
      throw new IllegalArgumentException("invalid node id: '" + nodeId + "'");
    }
    peers = Map.copyOf(peers);
    if (!peers.containsKey(nodeId)) {
      throw new IllegalArgumentException("peer list " + peers.keySet() + " lacks this node " + nodeId);
    }
    peers.forEach((id, address) -> port(address));
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(settings, "settings");
  }

  public RaftNodeConfig(String nodeId, Map<String, String> peers, Path dataDir) {
    this(nodeId, peers, dataDir, null, RaftSettings.defaults());
  }

  public RaftNodeConfig withSettings(RaftSettings newSettings) {
    return new RaftNodeConfig(nodeId, peers, dataDir, bindHost, newSettings);
  }

  public RaftNodeConfig withBindHost(String host) {
    return new RaftNodeConfig(nodeId, peers, dataDir, host, settings);
  }

  /** This node's own "host:port". */
  public String address() {
    return peers.get(nodeId);
  }

  static int port(String address) {
    int colon = address.lastIndexOf(':');
    try {
      if (colon <= 0) {
        throw new NumberFormatException();
      }
      int port = Integer.parseInt(address.substring(colon + 1));
      if (port <= 0 || port > 65535) {
        throw new NumberFormatException();
      }
      return port;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("peer address must be host:port, got '" + address + "'");
    }
  }

  static String host(String address) {
    return address.substring(0, address.lastIndexOf(':'));
  }
}
