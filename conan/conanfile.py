# Conan 2 recipe for zstack-sdk-cpp. The project itself builds with Debian packages (scripts/
# install-deps.sh); this recipe is for users who consume the SDK through Conan:
#   conan create conan/ --build=missing              (runs conan/test_package)
# The recipe lives in conan/, one level below the project root: layout() sets folders.root to
# "..", and export_sources() copies what the build needs from there.
import os

from conan import ConanFile
from conan.errors import ConanInvalidConfiguration
from conan.tools.build import check_min_cppstd
from conan.tools.cmake import CMake, CMakeDeps, CMakeToolchain, cmake_layout
from conan.tools.files import copy, load, rmdir
from conan.tools.scm import Version

required_conan_version = ">=2.0"


class ZstackSdkConan(ConanFile):
    name = "zstack-sdk-cpp"
    license = "Apache-2.0"
    description = "C++ client SDK for the ZStack cloud REST API"
    topics = ("zstack", "cloud", "rest", "sdk")
    package_type = "library"
    settings = "os", "compiler", "build_type", "arch"
    options = {
        "shared": [True, False],
        "fPIC": [True, False],
        "with_sim": [True, False],  # zstack::sim, the embeddable simulator (a test double)
    }
    default_options = {
        "shared": False,
        "fPIC": True,
        "with_sim": False,
    }

    def set_version(self):
        # One version, the one in CMakeLists.txt's project().
        text = load(self, os.path.join(self.recipe_folder, "..", "CMakeLists.txt"))
        start = text.index("project(zstack-sdk-cpp VERSION ") + len("project(zstack-sdk-cpp VERSION ")
        self.version = text[start:].split()[0]

    def export_sources(self):
        root = os.path.join(self.recipe_folder, "..")
        for pattern in ("CMakeLists.txt", "LICENSE", "cmake/*", "include/*", "src/*", "sim/*"):
            copy(self, pattern, src=root, dst=self.export_sources_folder)

    def config_options(self):
        if self.settings.os == "Windows":
            del self.options.fPIC

    def configure(self):
        if self.options.shared:
            self.options.rm_safe("fPIC")

    def layout(self):
        cmake_layout(self)
        self.folders.root = ".."  # the project root (CMakeLists.txt) is above conan/

    def requirements(self):
        self.requires("libcurl/[>=7.68 <9]")
        self.requires("openssl/[>=3 <4]")
        # Header-only and private: never reaches a consumer's include path.
        self.requires("rapidjson/cci.20230929", visible=False)
        if self.options.with_sim:
            self.requires("cpp-httplib/[>=0.11 <1]")

    def validate(self):
        check_min_cppstd(self, 17)
        if self.settings.os == "Windows":
            raise ConanInvalidConfiguration(f"{self.ref} is built and tested on Linux only")
        if self.settings.compiler == "gcc" and Version(self.settings.compiler.version) < "8":
            raise ConanInvalidConfiguration(f"{self.ref} needs GCC 8 or newer for C++17")

    def generate(self):
        tc = CMakeToolchain(self)
        tc.cache_variables["ZSTACK_BUILD_TESTS"] = False
        tc.cache_variables["ZSTACK_BUILD_EXAMPLES"] = False
        tc.cache_variables["ZSTACK_BUILD_CLI"] = False
        tc.cache_variables["ZSTACK_BUILD_BENCHMARKS"] = False
        tc.cache_variables["ZSTACK_BUILD_SIMULATOR"] = bool(self.options.with_sim)
        tc.generate()
        deps = CMakeDeps(self)
        # The project calls find_package(RapidJSON CONFIG) and uses RapidJSON_INCLUDE_DIRS.
        deps.set_property("rapidjson", "cmake_file_name", "RapidJSON")
        deps.generate()

    def build(self):
        cmake = CMake(self)
        cmake.configure()
        cmake.build()

    def package(self):
        copy(self, "LICENSE", src=self.source_folder, dst=os.path.join(self.package_folder, "licenses"))
        CMake(self).install()
        # Conan consumers get CMakeDeps/PkgConfigDeps files made from package_info() instead.
        rmdir(self, os.path.join(self.package_folder, "lib", "cmake"))
        rmdir(self, os.path.join(self.package_folder, "lib", "pkgconfig"))

    def package_info(self):
        # The same names as the project's own CMake package and pkg-config file.
        self.cpp_info.set_property("cmake_file_name", "zstack")
        self.cpp_info.set_property("pkg_config_name", "zstack")

        sdk = self.cpp_info.components["sdk"]
        sdk.set_property("cmake_target_name", "zstack::sdk")
        sdk.libs = ["zstack"]
        sdk.requires = ["libcurl::curl", "openssl::crypto"]
        if self.settings.os in ("Linux", "FreeBSD"):
            sdk.system_libs = ["pthread"]

        if self.options.with_sim:
            sim = self.cpp_info.components["sim"]
            sim.set_property("cmake_target_name", "zstack::sim")
            sim.libs = ["zstack_sim"]  # always a static library
            sim.requires = ["cpp-httplib::cpp-httplib", "openssl::ssl", "openssl::crypto"]
            if self.settings.os in ("Linux", "FreeBSD"):
                sim.system_libs = ["pthread"]
