#include "wire/reply_codec.hpp"
