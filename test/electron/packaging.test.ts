// `npm run dist` cannot run here (electron-builder downloads Electron), so its configuration is checked instead:
// the targets the issue asks for, files that the build really makes, the icon, and the fuses of release builds.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FuseV1Options } from '@electron/fuses';
import { Arch } from 'electron-builder';
import { describe, expect, it } from 'vitest';
import config, { releaseFuses } from '../../build/electron-builder.config.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('packaging', () => {
  it('builds AppImage and deb, dmg and nsis, with the app icon', () => {
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(config.mac?.target).toBe('dmg');
    expect(config.win?.target).toBe('nsis');
    const png = readFileSync(`${root}/build/icon.png`);
    // PNG header, then IHDR's width and height: 1024 x 1024, enough for .icns and .ico.
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1024, 1024]);
    for (const platform of [config.linux, config.mac, config.win]) expect(platform?.icon).toBe('build/icon.png');
  });

  it('packs what the build made and what the app loads at run time', () => {
    const made = ['dist/electron/shell/main.js', 'dist/shared/api.js', 'dist/preload/preload.cjs', 'renderer/dist/index.html', 'build/icons/tray-idle.png'];
    for (const file of made) expect(existsSync(`${root}/${file}`), `${file} (run npm run build first)`).toBe(true);
    expect(config.files).toEqual(expect.arrayContaining(['dist/electron/**/*.js', 'dist/preload/preload.cjs', 'renderer/dist/**', 'build/icons/tray-*.png']));
    expect(JSON.parse(readFileSync(`${root}/package.json`, 'utf8')).main).toBe('dist/electron/shell/main.js');
  });

  it('flips the fuses of release builds: no run-as-node, no NODE_OPTIONS or --inspect, the app only from its asar', () => {
    for (const platform of ['linux', 'darwin', 'win32']) {
      const fuses = releaseFuses(platform, Arch.x64);
      expect(fuses[FuseV1Options.RunAsNode]).toBe(false);
      expect(fuses[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(false);
      expect(fuses[FuseV1Options.EnableNodeCliInspectArguments]).toBe(false);
      expect(fuses[FuseV1Options.OnlyLoadAppFromAsar]).toBe(true);
      expect(fuses[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(false);
      expect(fuses[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(platform !== 'linux');
    }
    expect(releaseFuses('darwin', Arch.arm64).resetAdHocDarwinSignature).toBe(true);
    expect(releaseFuses('darwin', Arch.x64).resetAdHocDarwinSignature).toBe(false);
  });
});
