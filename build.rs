//! Build script: on Windows, gives the executables the Crosscheck icon (Explorer, the
//! taskbar) through a resource file. Does nothing when building for any other system.

fn main() {
    println!("cargo:rerun-if-changed=assets/icon.ico");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("windows") {
        let mut res = winresource::WindowsResource::new();
        res.set_icon("assets/icon.ico");
        if let Err(e) = res.compile() {
            // A missing resource compiler costs the icon, not the build.
            println!("cargo:warning=the Windows icon was not embedded: {e}");
        }
    }
}
