package dev.tonearm.drm;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link LicenceClient} decorator that counts registrations and licence requests, and can ask for
 * licences in the name of another device, as a device holding a copied licence would. Thread-safe.
 */
final class RecordingLicenceClient implements LicenceClient {
  private final LicenceClient delegate;
  private final String licenceDeviceId;
  final AtomicInteger registrations = new AtomicInteger();
  final AtomicInteger licenceRequests = new AtomicInteger();

  /**
   * Creates a decorator.
   *
   * @param licenceDeviceId device id to request licences for instead of the caller's, or null
   */
  RecordingLicenceClient(LicenceClient delegate, String licenceDeviceId) {
    this.delegate = delegate;
    this.licenceDeviceId = licenceDeviceId;
  }

  @Override
  public RegisteredDevice registerDevice(String deviceId, String publicKeyBase64, String name)
      throws DrmException {
    registrations.incrementAndGet();
    return delegate.registerDevice(deviceId, publicKeyBase64, name);
  }

  @Override
  public List<RegisteredDevice> listDevices() throws DrmException {
    return delegate.listDevices();
  }

  @Override
  public void deauthoriseDevice(String deviceId) throws DrmException {
    delegate.deauthoriseDevice(deviceId);
  }

  @Override
  public SignedLicence requestLicence(String deviceId, List<String> keyIds, LicencePurpose purpose)
      throws DrmException {
    licenceRequests.incrementAndGet();
    return delegate.requestLicence(
        licenceDeviceId != null ? licenceDeviceId : deviceId, keyIds, purpose);
  }

  @Override
  public List<SigningKey> fetchSigningKeys() throws DrmException {
    return delegate.fetchSigningKeys();
  }
}
