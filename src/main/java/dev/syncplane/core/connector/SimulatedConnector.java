package dev.syncplane.core.connector;

import java.util.concurrent.ThreadLocalRandom;

/**
 * A stand-in for a real provider: waits a little, then reports a made-up record count. It touches no
 * external system. Every provider ships with it until a real {@link Connector} is written.
 */
public final class SimulatedConnector implements Connector {
  private final String provider;
  private final long maxLatencyMs;

  public SimulatedConnector(String provider, long maxLatencyMs) {
    this.provider = provider;
    this.maxLatencyMs = maxLatencyMs;
  }

  @Override
  public String provider() {
    return provider;
  }

  @Override
  public SyncResult sync(SyncContext context) throws InterruptedException {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    if (maxLatencyMs > 0) {
      Thread.sleep(random.nextLong(maxLatencyMs + 1));
    }
    return new SyncResult(random.nextLong(0, 1_000));
  }
}
