// The spellings by which a hostile hub's "path" leaves the hub's origin once a URL parser has read it.
import { expect, it } from 'vitest';
import { isPathOnHub, onHub, pathOnHub } from '../../electron/core/kinds/jupyterhub/origin.js';

it('takes a path on the hub and refuses every spelling of another origin, naming it', () => {
  expect(pathOnHub('/user/alice/work/', "alice's server work")).toBe('/user/alice/work/');
  for (const url of ['http://127.0.0.1:9/user/alice/', '//127.0.0.1:9/user/alice/', '/\\127.0.0.1:9/user/alice/', '/\t/127.0.0.1:9/user/alice/', ' //127.0.0.1:9/']) {
    expect(isPathOnHub(url)).toBe(false);
    expect(() => pathOnHub(url, "alice's default server")).toThrow(`the hub named ${JSON.stringify(url)} as the address of alice's default server, which is not a path on the hub`);
  }
  expect(() => pathOnHub('//127.0.0.1:9/x/', 'it')).toThrow('(it leads to http://127.0.0.1:9)');
  expect(isPathOnHub('user/alice/')).toBe(false);
});

it('refuses a request path that leaves the hub it is resolved against', () => {
  expect(onHub('users/alice/server', 'https://hub.example/hub/api/').toString()).toBe('https://hub.example/hub/api/users/alice/server');
  expect(() => onHub('//evil.example/x', 'https://hub.example/hub/api/')).toThrow('leads off the hub at https://hub.example to https://evil.example');
});
