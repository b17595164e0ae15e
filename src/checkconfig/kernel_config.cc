#include "checkconfig/kernel_config.h"
