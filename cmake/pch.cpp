// The translation unit that carries the precompiled headers (cmake/modules.cmake).
