"""review11a: on a local SOURCE, ``System Volume Information`` refused is expected only directly under the mount
point of a Windows file system (NTFS through ntfs3/ntfs-3g, FAT, exFAT, a CIFS mount of a share, WSL's drvfs):
/proc/self/mountinfo says which file system a mount point holds. A folder of that name in an ext4 folder, or at
the root of an ext4 volume, is no Windows system folder."""

from __future__ import annotations

from scanner import system_folders

MOUNTINFO = (
    "22 1 8:2 / / rw,relatime shared:1 - ext4 /dev/sda2 rw\n"
    "40 22 8:17 / /mnt/win rw,relatime shared:20 - ntfs3 /dev/sdb1 rw,uid=0,gid=0\n"
    "41 22 8:33 / /mnt/usb\\040stick rw,relatime - vfat /dev/sdc1 rw,fmask=0022\n"
    "42 22 8:49 / /mnt/ext rw,relatime - ext4 /dev/sdd1 rw\n"
    "43 22 0:55 / /mnt/share rw,relatime - cifs //server/D$ rw,vers=3.1.1\n"
    "44 22 0:56 / /mnt/fuse rw,relatime - fuseblk /dev/sde1 rw,user_id=0\n"
)


def test_windows_file_system_mount_points_only() -> None:
    at = system_folders.windows_volume_root
    assert at("/mnt/win", MOUNTINFO) and at("/mnt/usb stick", MOUNTINFO) and at("/mnt/share", MOUNTINFO)
    assert at("/mnt/fuse", MOUNTINFO)  # ntfs-3g
    assert not at("/mnt/ext", MOUNTINFO)  # an ext4 volume's root: not Windows
    assert not at("/", MOUNTINFO) and not at("/mnt/win/dept", MOUNTINFO)  # not a mount point
    assert not at("/mnt/win", "garbage\n") and not at("/mnt/win", "")  # unreadable table: not expected
