package dev.tonearm.server.drm;

import dev.tonearm.server.offline.DeviceDirectory;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Backs the offline service's {@link DeviceDirectory} with the DRM device registry: a device can
 * register for offline use once its key pair is registered with {@code POST /v1/devices}.
 * Thread-safe if the registry is.
 */
public final class RegistryDeviceDirectory implements DeviceDirectory {
  private final DeviceRegistry registry;

  public RegistryDeviceDirectory(DeviceRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  @Override
  public Set<String> deviceIdsOf(String accountId) {
    Set<String> ids = new LinkedHashSet<>();
    for (Device device : registry.list(accountId)) {
      ids.add(device.deviceId());
    }
    return ids;
  }
}
