// Where the lab's token may go, for addresses a stock Outpost gives (misc.ip = "0.0.0.0" answers "0.0.0.0:PORT") and
// a hostile one gives (another host): reached directly, only the Outpost's host or an allowed one; through ssh_node,
// what the node reaches.
import { describe, expect, it } from 'vitest';
import { checkLabAddress, resolveListenAll, type LabRoute } from '../../electron/core/kinds/outpost/service-address.js';

const direct: LabRoute = { requestUrl: 'https://outpost.example.org/services', throughNode: false, allowedHosts: [] };
const throughNode: LabRoute = { ...direct, throughNode: true };

describe('a stock Outpost answering a listen-all address', () => {
  it('is reached on the Outpost’s host directly, and on the SSH node itself through it', () => {
    expect(resolveListenAll('0.0.0.0:8888', direct)).toBe('outpost.example.org:8888');
    expect(resolveListenAll('http://[::]:8888/', direct)).toBe('outpost.example.org:8888');
    expect(resolveListenAll('0.0.0.0:8888', throughNode)).toBe('127.0.0.1:8888');
    expect(resolveListenAll('[::]:8888', { ...direct, requestUrl: 'http://[::1]:8080/services' })).toBe('[::1]:8888');
  });
});

describe('a hostile Outpost answering another host', () => {
  it('is refused reached directly, unless allowed_service_hosts names it; through ssh_node the node decides', () => {
    expect(() => checkLabAddress('10.0.0.7:8888', direct)).toThrow("the lab's address 10.0.0.7:8888 is not on the Outpost's host (outpost.example.org)");
    expect(() => checkLabAddress('10.0.0.7:8888', { ...direct, allowedHosts: ['10.0.0.7'] })).not.toThrow();
    expect(() => checkLabAddress('10.0.0.7:8888', throughNode)).not.toThrow();
    expect(() => checkLabAddress('Outpost.Example.org:8888', direct)).not.toThrow();
  });

  it('counts the names of this computer as one host, but not the rest of 127/8', () => {
    const local = { ...direct, requestUrl: 'http://localhost:8080/services' };
    expect(() => checkLabAddress('127.0.0.1:8888', local)).not.toThrow();
    expect(() => checkLabAddress('127.0.0.2:8888', local)).toThrow(/is not on the Outpost's host \(localhost\)/);
  });
});
