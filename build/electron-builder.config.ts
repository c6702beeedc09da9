// Packaging, `npm run dist`: electron-builder makes an AppImage and a deb on Linux, a dmg on macOS and an NSIS
// installer on Windows, for the platform it runs on. Release builds then flip Electron's fuses, so that what hubtray
// never uses is switched off in the binary itself and cannot be turned back on from outside.
import path from 'node:path';
import { flipFuses, FuseV1Options, FuseVersion, type FuseV1Config } from '@electron/fuses';
import { Arch, type AfterPackContext, type Configuration } from 'electron-builder';

/** The fuses of a release build; `platform` is electron-builder's (darwin, win32, linux). */
export function releaseFuses(platform: string, arch: Arch): FuseV1Config {
  return {
    version: FuseVersion.V1,
    // Flipping fuses breaks the ad-hoc signature that Apple Silicon requires of every binary; it is made anew.
    resetAdHocDarwinSignature: platform === 'darwin' && arch === Arch.arm64,
    // ELECTRON_RUN_AS_NODE would turn the app into a plain Node with the app's identity (and its keychain access).
    [FuseV1Options.RunAsNode]: false,
    [FuseV1Options.EnableCookieEncryption]: true,
    // Neither NODE_OPTIONS nor --inspect may inject code into the main process, which holds the Hub's secrets.
    [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
    [FuseV1Options.EnableNodeCliInspectArguments]: false,
    // electron-builder embeds the asar's integrity on macOS and Windows only; Electron checks it only there too.
    [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: platform === 'darwin' || platform === 'win32',
    [FuseV1Options.OnlyLoadAppFromAsar]: true,
    [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
    // The window loads hubtray://, never file://.
    [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
  };
}

const icon = 'build/icon.png';
const linuxExecutable = 'hubtray';

/** The packed Electron binary: the .app bundle on macOS, the .exe on Windows, the executable on Linux. */
function packedBinary(context: AfterPackContext): string {
  const { productFilename } = context.packager.appInfo;
  switch (context.electronPlatformName) {
    case 'darwin':
      return path.join(context.appOutDir, `${productFilename}.app`);
    case 'win32':
      return path.join(context.appOutDir, `${productFilename}.exe`);
    default:
      return path.join(context.appOutDir, linuxExecutable);
  }
}

const config: Configuration = {
  appId: 'org.hubtray.app',
  productName: 'hubtray',
  directories: { output: 'release', buildResources: 'build' },
  // What `npm run build` made, and what it reads at run time; no sources, tests or maps.
  files: ['package.json', 'dist/electron/**/*.js', 'dist/shared/**/*.js', 'dist/preload/preload.cjs', 'renderer/dist/**', 'build/icons/tray-*.png', '!**/*.map'],
  asar: true,
  // ssh2's native crypto binding is optional and does not load in Electron; its pure-JS path is what runs there, so
  // nothing needs rebuilding for Electron (@napi-rs/keyring ships N-API binaries).
  npmRebuild: false,
  afterPack: async (context) => {
    await flipFuses(packedBinary(context), releaseFuses(context.electronPlatformName, context.arch));
  },
  linux: {
    target: ['AppImage', 'deb'],
    category: 'Development',
    icon,
    executableName: linuxExecutable,
    synopsis: 'A personal JupyterHub in the system tray',
    // The deb's Maintainer field; package.json names no author.
    maintainer: 'hubtray contributors',
  },
  // Secrets live in the Secret Service; GNOME's keyring provides it where no other does.
  deb: { recommends: ['gnome-keyring'] },
  mac: {
    target: 'dmg',
    category: 'public.app-category.developer-tools',
    icon,
    hardenedRuntime: true,
    // A tray app: no Dock icon; its window still opens from the menu bar.
    extendInfo: { LSUIElement: true },
  },
  win: { target: 'nsis', icon },
  nsis: { oneClick: false, perMachine: false, allowToChangeInstallationDirectory: true },
};

export default config;
