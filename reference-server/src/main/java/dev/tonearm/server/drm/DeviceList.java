package dev.tonearm.server.drm;

import java.util.List;

/** Body of the {@code GET /v1/devices} response. */
public record DeviceList(List<Device> devices) {
  public DeviceList {
    devices = List.copyOf(devices);
  }
}
