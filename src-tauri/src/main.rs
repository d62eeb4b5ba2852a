fn main() { athena_desktop::run() }
