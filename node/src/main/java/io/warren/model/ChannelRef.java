package io.warren.model;

/** A client channel: the connection it belongs to (an id the front end assigns) and its number. */
public record ChannelRef(long connection, int channel) {
  @Override
  public String toString() {
    return connection + "/" + channel;
  }
}
