// /etc/passwd (passwd(5)): name:password:UID:GID:GECOS:directory:shell, one entry a line. The one parser for the
// host's file (user names for ps, rootless runtimes' homes) and an image's (docker's -u resolution).

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  /** The home directory as written ('' when the field is empty). */
  home: string;
}

/** Every well-formed entry in file order (comments and lines without seven fields or numeric IDs skipped). */
export function parsePasswd(text: string | null): PasswdEntry[] {
  return (text ?? '').split('\n').flatMap((line) => {
    const f = line.split(':');
    if (f.length < 7 || line.startsWith('#') || !/^\d+$/.test(f[2]) || !/^\d+$/.test(f[3])) return [];
    return [{ name: f[0], uid: Number(f[2]), gid: Number(f[3]), home: f[5] }];
  });
}
