package dev.syncplane.core.connector;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The providers this deployment knows, each with its connector. An unknown provider is refused. */
public final class ConnectorRegistry {
  private final Map<String, Connector> byProvider = new TreeMap<>();

  public ConnectorRegistry(Collection<? extends Connector> connectors) {
    connectors.forEach(c -> byProvider.put(c.provider(), c));
  }

  public Optional<Connector> find(String provider) {
    return Optional.ofNullable(byProvider.get(provider));
  }

  public boolean knows(String provider) {
    return provider != null && byProvider.containsKey(provider);
  }

  public Collection<String> providers() {
    return byProvider.keySet();
  }
}
